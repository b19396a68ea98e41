"""``xlsheet validate FILE …`` as the program is parsed without argparse (start-up, issue #14): wherever
:func:`quick_args` answers, its answer is exactly argparse's; everywhere else argparse parses (and words every
message) as before."""
import argparse
import contextlib
import io
import itertools

from tests.conftest import EXAMPLES
from tests.test_startup import bare_python
from xlsheet.cli import build_parser
from xlsheet.cli.cmd_validate import SWITCHES, VALUED, quick_args

OPTIONS = ["--json", "--write", "--overwrite", "--all", "--published", "--strict", "-o", "--output", "--previous",
           "--debug", "-h", "--js", "--output=x.xlsx", "--", "-", "-1", "--bogus"]
WORDS = ["a.xlsx", "b.xlsx", "", "validate", "rules", "-x.xlsx", "a b.xlsx", "文件.xlsx"]


def _argparse(argv):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            return vars(build_parser(argv).parse_args(argv))
        except SystemExit:
            return None


def _argvs():
    for prefix in ([], ["--debug"], ["--debug", "--debug"], ["rules"], ["valid"]):
        yield prefix + ["validate"]
        for n in (1, 2, 3):
            for tail in itertools.product(OPTIONS + WORDS[:3], repeat=n):
                yield prefix + ["validate", *tail]
        for word in WORDS:
            yield prefix + ["validate", word]
            yield prefix + ["validate", "--previous", word, "a.xlsx"]
            yield prefix + ["validate", "a.xlsx", "-o", word, "--json"]


def test_quick_args_are_argparses_wherever_they_answer(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    answered = 0
    for argv in _argvs():
        quick = quick_args(argv)
        if quick is not None:
            answered += 1
            assert vars(quick) == _argparse(argv), argv
    assert answered > 300  # the plain command lines are answered, not left to argparse


def test_quick_args_know_validates_options_as_registered():
    parser = build_parser(["validate", "a.xlsx"])
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    declared = {s: a for a in sub.choices["validate"]._actions for s in a.option_strings if s not in ("-h", "--help")}
    debug = declared.pop("--debug")  # every command's, added by build_parser; quick_args knows it too
    assert isinstance(debug, argparse._StoreTrueAction) and debug.dest == "debug" and debug.default == argparse.SUPPRESS
    assert set(declared) == set(SWITCHES) | set(VALUED)
    for option, action in declared.items():
        assert action.dest == (SWITCHES.get(option) or VALUED[option])
        assert isinstance(action, argparse._StoreTrueAction if option in SWITCHES else argparse._StoreAction)
        assert action.nargs == (0 if option in SWITCHES else None) and action.default in (False, None)
        assert action.type is None and action.choices is None
    positionals = [(a.dest, a.nargs) for a in sub.choices["validate"]._actions if not a.option_strings]
    assert positionals == [("file", None)]


def test_validate_as_the_program_does_not_import_argparse_and_help_still_does(tmp_path):
    """Nor warnings: openpyxl and python-docx, whose warnings the command line silences, are not imported."""
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print('warnings' * ('warnings' in sys.modules),\n"
             "                              'argparse', 'argparse' in sys.modules, file=sys.stderr))\n"
             "from xlsheet.cli import main\nsys.exit(main())\n")
    demo = str(EXAMPLES / "demo_2024.xlsx")
    for _ in range(2):  # the second with the user's caches (a first run's TOML parsing imports warnings)
        plain = bare_python(probe, tmp_path, "validate", demo, "--json")
    assert plain.returncode == 0 and plain.stderr.strip() == "argparse False", plain.stderr
    for argv, code in ((["validate", "-h"], 0), (["validate", demo, "--js"], 0), (["validate", demo, "--bogus"], 2)):
        proc = bare_python(probe, tmp_path, *argv)
        assert proc.returncode == code and proc.stderr.strip().endswith("argparse True"), (argv, proc.stderr)
