"""``xlsheet <command>`` builds only that command's parser (start-up, issue #14); what it prints and parses must be
exactly what the full parser gives: help, usage errors, exit codes and the parsed arguments."""
import argparse
import contextlib
import io
import sys
from pathlib import Path

import pytest

from xlsheet.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parent.parent

ARGVS = [
    [], ["-h"], ["--help"], ["--debug"], ["--debug", "-h"], ["-h", "validate"], ["--debug", "validate", "a.xlsx"],
    ["validate"], ["validate", "-h"], ["validate", "a.xlsx"], ["validate", "a.xlsx", "--bogus"],
    ["validate", "a.xlsx", "--published", "--strict"], ["validate", "a.xlsx", "--debug"], ["validate", "a", "-o"],
    ["validate", "a.xlsx", "--json", "--write", "-o", "b.xlsx", "--overwrite", "--previous", "p.xlsx", "--all"],
    ["validate", "a", "--pub"], ["validate", "a", "--o"], ["validate", "a", "b"], ["validate", "--", "-a.xlsx"],
    ["rules"], ["rules", "-h"], ["rules", "--format", "v2000"], ["rules", "--format", "v2019"],
    ["new"], ["new", "-h"], ["new", "--year", "x"], ["new", "--year", "2024", "--variant", "jilin", "--from", "p"],
    ["report", "-h"], ["report", "a.xlsx", "--html", "--pdf", "--force"], ["run", "-h"], ["run", "a", "--out", "o"],
    ["import", "-h"], ["import", "a.docx", "--year", "y"], ["rollup", "-h"], ["rollup"], ["rollup", "d", "-o", "x"],
    ["serve", "-h"], ["serve", "--port", "p"], ["serve-admin", "-h"], ["serve-admin", "--username", "u"],
    ["frobnicate"], ["frobnicate", "-h"], ["valid", "a.xlsx"], ["--deb", "validate", "a.xlsx"], ["--", "validate"],
    ["-x", "validate"], ["validate", "rules"], ["rules", "validate"],
]


def _outcome(parser, argv):
    """(exit code or None, stdout, stderr, the parsed arguments with ``func`` by name)."""
    out, err = io.StringIO(), io.StringIO()
    code, parsed = None, None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            ns = parser.parse_args(argv)
            parsed = {k: (v.__qualname__ if callable(v) else v) for k, v in vars(ns).items()}
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue(), parsed


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_the_parser_built_for_argv_behaves_as_the_full_parser(argv, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    assert _outcome(build_parser(argv), argv) == _outcome(build_parser(), argv)


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_argparse_words_as_written_are_what_gettext_gave(argv, monkeypatch):
    from xlsheet._startup import words_as_written

    monkeypatch.setenv("COLUMNS", "100")
    expected = _outcome(build_parser(argv), argv)
    monkeypatch.setattr(argparse, "_", argparse._)  # restored after the test
    monkeypatch.setattr(argparse, "ngettext", argparse.ngettext)
    words_as_written()
    assert _outcome(build_parser(argv), argv) == expected


def _choices(parser) -> list[str]:
    return list(next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices)


def test_commands_lists_what_each_module_registers_in_help_order():
    assert _choices(build_parser()) == [name for _, names in COMMANDS for name in names]
    for module, names in COMMANDS:
        for name in names:
            assert _choices(build_parser([name, "x"])) == list(names), (module, name)


@pytest.mark.parametrize("columns", [None, "100", "37", "0", "-5", "abc", ""])
def test_help_width_is_shutils(columns, monkeypatch):
    import shutil

    from xlsheet.cli.chinese import terminal_columns

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert terminal_columns() == shutil.get_terminal_size().columns


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal (POSIX)")
def test_help_width_on_a_terminal_is_shutils(tmp_path):
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import termios

    main_fd, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 123, 0, 0))  # 30 lines, 123 columns
    code = ("import shutil, sys; from xlsheet.cli.chinese import terminal_columns; "
            "sys.stderr.write(f'{terminal_columns()} {shutil.get_terminal_size().columns}')")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.run([sys.executable, "-c", code], stdout=terminal, stderr=subprocess.PIPE, text=True, env=env,
                          cwd=ROOT)
    os.close(terminal)
    os.close(main_fd)
    assert proc.stderr == "123 123"
