"""``xlsheet <command>`` builds only that command's parser (start-up, issue #14); what it prints and parses must be
exactly what the full parser gives: help, usage errors, exit codes and the parsed arguments."""
import argparse
import contextlib
import io

import pytest

from xlsheet.cli import COMMANDS, build_parser

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


def _choices(parser) -> list[str]:
    return list(next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices)


def test_commands_lists_what_each_module_registers_in_help_order():
    assert _choices(build_parser()) == [name for _, names in COMMANDS for name in names]
    for module, names in COMMANDS:
        for name in names:
            assert _choices(build_parser([name, "x"])) == list(names), (module, name)
