"""argparse in Chinese: usage line, section headings, -h, placeholders and error messages — for the root parser
and, because argparse builds sub-parsers with the parent's class, for every sub-command without further work.

Sub-command modules keep writing ordinary ``add_argument`` calls; :func:`finish` fills in what they leave to
argparse's English defaults (an argument's placeholder, a positional's missing help).
"""
from __future__ import annotations

import argparse
import os
import re
import sys

#: Placeholder shown for an option's value, by ``dest`` (argparse would show the upper-cased English dest).
METAVARS = {"year": "年度", "agency": "机关名称", "output": "文件", "out": "文件夹", "from_path": "上年工作簿",
            "previous": "上年工作簿", "jobs": "个数", "file": "文件", "inputs": "工作簿或文件夹"}
#: Help for positionals a command left without one, by ``dest``.
POSITIONAL_HELP = {"file": "要处理的文件", "inputs": "各单位的工作簿，或包含它们的文件夹"}
_ERRORS = [
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)", r"参数 \1：无效的选项 \2（可选：\3）"),
    (r"argument (.*?): invalid int value: (.*)", r"参数 \1：应为整数，而不是 \2"),
    (r"argument (.*?): invalid float value: (.*)", r"参数 \1：应为数字，而不是 \2"),
    (r"argument (.*?): expected one argument", r"参数 \1：缺少取值"),
    (r"argument (.*?): expected at least one argument", r"参数 \1：至少需要一个取值"),
    (r"argument (.*?): not allowed with argument (.*)", r"参数 \1 不能与 \2 同时使用"),
    (r"ambiguous option: (.*?) could match (.*)", r"选项 \1 有歧义，可能是：\2"),
]


def translate(message: str) -> str:
    for pattern, chinese in _ERRORS:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, chinese, message)
    return message


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns``, computed as shutil does (``COLUMNS``, else the terminal of stdout, else
    80) without importing shutil: argparse imports it for each formatter it makes, and shutil brings bz2, lzma and
    fnmatch (≈ 3 ms of ``xlsheet validate``, which otherwise never needs them)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):  # no stdout, or not a terminal
            columns = 0
        columns = columns or 80
    return columns


def _display_width(text: str) -> int:
    import unicodedata  # help output only: not on the start-up path of any command

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class ChineseHelpFormatter(argparse.HelpFormatter):
    def __init__(self, prog, indent_increment=2, max_help_position=24, width=None):
        if width is None:  # argparse's default, the terminal's width less 2 (see terminal_columns)
            width = terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)

    # argparse measures an option's column by len(), but a Chinese placeholder (--data 目录) is two columns a
    # character on a terminal: the help after it started further right than the others'.  Widths are display
    # widths here (east-Asian wide and full-width characters count two).
    def add_argument(self, action):
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            get = self._format_action_invocation
            invocations = [get(action)] + [get(s) for s in self._iter_indented_subactions(action)]
            widest = max(_display_width(i) for i in invocations) + self._current_indent
            self._action_max_length = max(self._action_max_length, widest)

    def _format_action(self, action):
        text = super()._format_action(action)
        header = self._format_action_invocation(action)
        prefix = " " * self._current_indent + header
        first, newline, rest = text.partition("\n")
        if _display_width(header) == len(header) or not action.help or not first.startswith(prefix):
            return text
        help_text = first[len(prefix):].lstrip(" ")
        if not help_text:  # argparse put the help on the next line already: it starts at the right column
            return text
        column = min(self._action_max_length + 2, self._max_help_position)
        pad = column - self._current_indent - _display_width(header)
        first = prefix + (" " * pad if pad >= 2 else "\n" + " " * column) + help_text
        return first + newline + rest

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def format_help(self):
        # argparse ends each section heading ("选项", "位置参数", "命令") with an ASCII colon; Chinese takes "：", as
        # the usage line already does.  Headings are the only unindented lines that end with a colon.
        return re.sub(r"(?m)^(\S[^\n]*?):$", r"\1：", super().format_help())


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are Chinese (sub-parsers inherit the class)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{translate(message)}\n")


def finish(parser: argparse.ArgumentParser) -> None:
    """Give every argument of ``parser`` and its sub-parsers a Chinese placeholder and help text."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                finish(sub)
            continue
        if action.metavar is None and action.choices is None and action.nargs != 0:
            action.metavar = METAVARS.get(action.dest, "值")
        if action.help is None and not action.option_strings:
            action.help = POSITIONAL_HELP.get(action.dest)
