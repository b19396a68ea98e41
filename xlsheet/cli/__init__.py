"""Command line: ``xlsheet new | validate | rules | report | run | import | rollup``.  A thin layer over the library:
each sub-command lives in its own ``cmd_*`` module with a ``register(subparsers)`` function.

Exit codes: 0 success (validate: no errors), 1 validation errors (or report refused because of them),
2 unreadable or invalid input / refused output / a file the operating system refused (Chinese, naming the path),
3 unexpected internal error (message only; --debug shows more).
"""
from __future__ import annotations

import sys

from ..errors import XlsheetError

#: The sub-command modules (in ``xlsheet/cli/``) and the commands each registers, in the order ``--help`` lists
#: them.
COMMANDS = (("cmd_new", ("new",)), ("cmd_validate", ("validate", "rules")), ("cmd_report", ("report", "run")),
            ("cmd_import", ("import",)), ("cmd_rollup", ("rollup",)), ("cmd_serve", ("serve", "serve-admin")))
#: Commands that leave no file of theirs open or unwritten when they return (they print; ``validate --write``
#: has closed its copy), so the process may end without the interpreter's clean-up (see :func:`_end`).
_QUICK_EXIT = ("validate", "rules")
# Commands ended by :func:`_end`: the quick ones, and the roll-up (its output is written and closed, its workers
# reaped, before it returns; ≈ 12 ms of a 1-unit roll-up's ≈ 110, whole process, 20 interleaved runs).  The
# roll-up still sets the warnings filter: openpyxl builds its blank total workbook on a cache miss.
_ENDS_ITSELF = _QUICK_EXIT + ("rollup",)


def _utf8_console() -> None:
    # Windows consoles default to a legacy code page; Chinese messages must not crash the program.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")
        except (AttributeError, ValueError):
            pass


def _discard_stdout() -> None:
    # Python flushes stdout again at exit; pointing it at devnull keeps that flush from failing with a message.
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (stdout replaced, e.g. in tests)
        pass


def _named_command(argv) -> str | None:
    """The sub-command ``argv`` names when parsing it needs no other sub-command's parser: the first argument after
    any ``--debug`` is a known command.  None otherwise (``-h``, no command, an unknown or abbreviated one…)."""
    for arg in argv:
        if arg != "--debug":
            return arg if any(arg in names for _, names in COMMANDS) else None
    return None


def build_parser(argv=None) -> "argparse.ArgumentParser":  # noqa: F821 (argparse is imported only when needed)
    """The parser of the command line.  With ``argv`` naming a command (:func:`_named_command`), only that
    command's module registers its sub-parsers: parsing that ``argv`` gives the same result, help and messages as
    with the full parser (a sub-command's help and errors do not mention the others, and the root's usage line
    names ``命令``, not the choices), and ``xlsheet validate`` does not build the other 60-odd arguments
    (≈ 5 ms).  Any other ``argv`` (help, errors about the command itself) gets the full parser."""
    from argparse import SUPPRESS

    from .chinese import ChineseArgumentParser, finish

    p = ChineseArgumentParser(prog="xlsheet", description="政府信息公开工作年度报告：工作簿模板、校验、生成报告")
    p.add_argument("--debug", action="store_true", help="出现内部错误时显示技术细节")
    sub = p.add_subparsers(dest="command", required=True, title="命令", metavar="命令", help="以下之一；“xlsheet 命令 -h”显示该命令的说明")
    named = _named_command(argv) if argv is not None else None
    for module, names in COMMANDS:
        if named is None or named in names:
            __import__(f"{__name__}.{module}", fromlist=["register"]).register(sub)  # not importlib: 0.3 ms more
    for command in sub.choices.values():
        # also after the command (`xlsheet validate --debug F`), where a user adds it on reading the internal-error
        # message; SUPPRESS: not given there, the value before the command stands
        command.add_argument("--debug", action="store_true", default=SUPPRESS, help="出现内部错误时显示技术细节")
    finish(p)  # Chinese placeholders and help for whatever the command modules left to argparse
    p.commands = sub.choices  # command name (or alias) → its parser, for errors found after parsing
    return p


def main(argv=None) -> int:
    """Run the command line ``argv`` (default: this process's arguments) and return the exit code.

    Called without ``argv`` — as the program, by the ``xlsheet`` script or ``python -m xlsheet``, which exit with
    the code at once — a plain ``validate`` command line is parsed without argparse
    (:func:`xlsheet.cli.cmd_validate.quick_args`, same result), argparse's words skip gettext
    (:func:`xlsheet._startup.words_as_written`), and ``validate`` or ``rules`` end the process themselves
    (:func:`_end`).  A caller passing ``argv`` (tests, scripts) keeps its
    argparse and its process as they were."""
    _utf8_console()
    program = argv is None
    args = None
    if program:
        from .cmd_validate import quick_args

        argv = sys.argv[1:]
        args = quick_args(argv)
    # A plain ``validate`` without --write imports neither openpyxl nor argparse: it skips this module (≈ 0.1 ms)
    if args is None or args.write:
        from .._startup import hide_numpy_from_openpyxl, words_as_written

        hide_numpy_from_openpyxl()  # the whole process is ours: openpyxl need not load numpy (≈ 140 ms)
        if program and args is None:
            words_as_written()  # argparse without gettext's look-ups (≈ 1.7 ms)
    if args is None:
        parser = build_parser(argv)
        args, extra = parser.parse_known_args(argv)
        if extra:
            # said by the parser whose part of the line holds them: after the command, the command's own parser
            # with its usage line (argparse would show the root's, which does not list the command's options)
            before = argv[:argv.index(args.command)] if args.command in argv else argv
            owner = parser if extra[0] in before else parser.commands[args.command]
            owner.error("unrecognized arguments: " + " ".join(extra))
    if not args.debug and not (args.command in _QUICK_EXIT and not getattr(args, "write", False)):
        import warnings

        # openpyxl / python-docx warn in English about oddities of a damaged file (with a source path and line,
        # which looks like a crash to a clerk); the outcome is reported in Chinese anyway.  Not needed where neither
        # is imported — validate without --write, rules (tests/test_startup.py) —, which saves importing warnings
        # and compiling the filter's pattern (≈ 0.5 ms, -X importtime)
        warnings.filterwarnings("ignore", category=UserWarning, module=r"(openpyxl|docx)\b")
    code = _run(args)
    if program and args.command in _ENDS_ITSELF:
        _end(code)
    return code


def _run(args) -> int:
    """The command's exit code; errors become Chinese messages (a traceback only with ``--debug``)."""
    try:
        code = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not as a message at interpreter exit
        return code
    except BrokenPipeError:  # ``xlsheet rules | head``: the reader has gone; end quietly, as shell tools do
        _discard_stdout()
        return 141  # 128 + SIGPIPE
    except XlsheetError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a path the OS refused (permissions, a file where a folder is needed, disk full…)
        from ..errors import os_error_message

        print(f"错误：{os_error_message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # a second Ctrl-C (GNU timeout and some terminals send SIGINT to the process and to its group) must not
        # interrupt this message or the exit with a traceback: from here the program only ends
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the clerk
        if args.debug:  # the traceback for the IT person; still exit code 3, as documented
            import traceback

            traceback.print_exc()
            return 3
        print(f"内部错误：{type(exc).__name__}: {exc}。请把此信息和文件发给技术支持"
              "（在 xlsheet 后面加 --debug 可显示详细信息，如 xlsheet --debug validate 文件.xlsx）。", file=sys.stderr)
        return 3


def _end(code: int) -> None:
    """End the program after a :data:`_ENDS_ITSELF` command with ``code``, skipping the interpreter's clean-up
    when it has nothing left to do but free memory; otherwise return, for the usual exit.

    The clean-up is full garbage collections and the teardown of every module and object: ≈ 18 ms of a ≈ 100 ms
    ``xlsheet validate``.  Freezing the collector (:func:`gc.freeze`) removes its collections (≈ 14 ms); ending with
    :func:`os._exit` the rest (≈ 3 ms more: whole process, interleaved runs, median and best).  Ended only when
    that loses nothing: no atexit function is registered (coverage, logging, temporary folders register one), no
    other thread runs, and stdout and stderr are flushed; these commands hold no other open file (the roll-up has
    closed its output and its workers' pipes).  Otherwise the interpreter exits as usual, with the collector frozen:
    what only a collection would free (objects in reference cycles, module globals among them) is then left to the
    operating system, unfinalised."""
    import atexit
    import gc
    import os

    gc.freeze()
    threading = sys.modules.get("threading")
    registered = getattr(atexit, "_ncallbacks", lambda: 1)()  # CPython's count; elsewhere assume some
    if registered or (threading is not None and threading.active_count() > 1):
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # the usual exit reports it
        return
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
