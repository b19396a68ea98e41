"""``xlsheet --help`` and every sub-command's help and usage errors are Chinese, argparse's own words included."""
import argparse
import re

import pytest

from xlsheet.cli import build_parser, main

ENGLISH = re.compile(r"usage:|positional arguments|optional arguments|options:|show this help|error:|"
                     r"required:|invalid choice|\b(?!JSON\b|DOCX\b|HTML\b|PDF\b|HTTPS?\b|URL\b|CSV\b|API\b|CPU\b|MB\b)[A-Z]{3,}\b")  # upper-case = an English placeholder


def _parsers():
    root = build_parser()
    subs = next(a for a in root._actions if isinstance(a, argparse._SubParsersAction))
    return [("xlsheet", root)] + list(subs.choices.items())


@pytest.mark.parametrize("name,parser", _parsers(), ids=lambda v: v if isinstance(v, str) else "")
def test_help_is_chinese(name, parser):
    text = parser.format_help()
    assert text.startswith("用法：") and "选项" in text and "显示本帮助并退出" in text, text
    assert not ENGLISH.search(text), (name, ENGLISH.search(text).group(), text)
    for action in parser._actions:
        assert action.help, (name, action.dest)  # every argument explains itself


def test_usage_errors_are_chinese(capsys):
    for argv, expected in ((["validate"], "缺少必需的参数：文件"), (["new", "--year", "x"], "应为整数"),
                           (["frobnicate"], "无效的选项"), (["validate", "a.xlsx", "--bogus"], "无法识别的参数")):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert err.startswith("用法：") and expected in err and not ENGLISH.search(err), err


@pytest.mark.parametrize("name", ["serve", "serve-admin"])
def test_serve_options_have_meaningful_placeholders(name):
    parser = dict(_parsers())[name]
    valued = [a for a in parser._actions if a.option_strings and a.nargs != 0]
    assert valued and all(a.metavar and a.metavar != "值" for a in valued), [(a.dest, a.metavar) for a in valued]
    assert " 值" not in parser.format_help()


def _columns(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@pytest.mark.parametrize("name,parser", _parsers(), ids=lambda v: v if isinstance(v, str) else "")
def test_help_texts_start_in_one_column_on_a_terminal(name, parser, monkeypatch):
    # a Chinese placeholder is two terminal columns a character: counted as one, the help after --data 目录
    # started two columns right of the help after --quiet
    monkeypatch.setenv("COLUMNS", "120")
    starts = set()
    for line in parser.format_help().splitlines():
        m = re.match(r"^(  \S.*?)( {2,})(\S.*)$", line)  # an argument, at least two spaces, its help
        if m and not line.startswith("用法") and not line.startswith("  {"):
            starts.add(_columns(m[1]) + len(m[2]))
    assert len(starts) == 1, (name, sorted(starts), parser.format_help())
