"""``xlsheet validate`` and ``xlsheet rules``."""
from __future__ import annotations

import gc
import sys

from ..errors import XlsheetError


def _cmd_validate(args) -> int:
    published = True if args.published else False if args.strict else None
    if args.write and args.output:
        from ..fileio import check_output

        # an output that will be refused is said before the findings, not after a screenful of them
        check_output(args.output, overwrite=bool(args.overwrite))
    # Importing the reader and the checks, reading, validating and printing one workbook (bounded by
    # xlsheet.safety's limits) makes many objects but no garbage cycles worth collecting; the cyclic collector's
    # passes over everything just imported cost ~4 ms of the command's ~50.  Reference counting still frees
    # everything; the collector is back on before --write, with what was made meanwhile counted as old (freeze +
    # unfreeze: the oldest generation, left to a full collection) rather than as one huge young generation to scan
    # at the next allocation.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from ..validation.engine import check  # not xlsheet.jobs, which only forwards to it

        try:
            result = check(args.file, args.previous, published=published)
        except (XlsheetError, OSError) as exc:
            if args.json:  # a script reading stdout gets JSON for an unreadable file too; the message stays on stderr
                _print_json_error(args.file, exc)
            raise
        if args.json:
            import json

            print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            from ..validation.render_text import render_text

            print(render_text(result, limit=None if args.all else 60))
    finally:
        if collecting:
            gc.freeze()
            gc.unfreeze()
            gc.enable()
    if args.write:
        from ..validation.writeback import write_validated_copy

        path, replaced = write_validated_copy(args.file, result, args.output, overwrite=args.overwrite or None)
        note = "（已替换上次的校验副本，旧副本备份为 .bak）" if replaced else ""
        print(f"已写出带“校验结果”工作表的副本：{path}{note}", file=sys.stderr if args.json else sys.stdout)
    return 0 if result.ok else 1


def _print_json_error(file, exc: Exception) -> None:
    """``{"file": …, "error": "<the Chinese message>"}`` on stdout: what ``--json`` prints when ``file`` cannot be
    read (the web service's /api/validate answers the same ``error`` key)."""
    import json

    if isinstance(exc, OSError):
        from ..errors import os_error_message

        message = os_error_message(exc)
    else:
        message = str(exc)
    print(json.dumps({"file": str(file), "error": message}, ensure_ascii=False, indent=2))


def _cmd_rules(args) -> int:
    """The rule catalogue, for clerks and the 政务公开办: id, severity, title, formats."""
    from ..validation.catalogue import load_catalogue
    from ..validation.findings import SEVERITY_LABEL
    from ..validation.render_text import pad, width

    rules = [r for r in load_catalogue() if args.format is None or r.applies_to(args.format)]
    id_width = max((width(r.id) for r in rules), default=0) + 2  # the longest id still leaves a gap
    for r in rules:
        formats = "、".join("2019年版" if f == "v2019" else "2021年版" for f in r.formats)
        previous = "（需 --previous）" if r.params.get("needs") == "previous" else ""
        print(f"{pad(r.id, id_width)}{SEVERITY_LABEL[r.severity]}  {r.title}{previous}  [{formats}]")
    print(f"共 {len(rules)} 条规则。错误会阻止生成报告，警告需要核对。")
    return 0


#: ``validate``'s options as :func:`register` declares them, for :func:`quick_args`: the switches (store_true) and
#: the options taking one value, by option string → ``dest`` (tests/test_cli_quick.py checks them against the
#: parser :func:`register` builds).
SWITCHES = {"--json": "json", "--write": "write", "--overwrite": "overwrite", "--all": "all",
            "--published": "published", "--strict": "strict"}
VALUED = {"-o": "output", "--output": "output", "--previous": "previous"}


class _Args:
    """The parsed options as attributes, as argparse's Namespace holds them (``types.SimpleNamespace`` would import
    types, ≈ 0.3 ms of the start-up this function exists to save)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"Namespace({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"


def quick_args(argv):
    """The arguments argparse would parse from ``argv`` (a list of strings) when ``argv`` is a plain ``validate``
    command line — ``[--debug…] validate FILE`` with options written out in full, each at most once, values not
    starting with ``-`` — as a namespace with the same attributes and values; None for anything else (help, an
    abbreviation, ``--opt=value``, ``--``, a name starting with ``-``, an error…), which the caller leaves to
    argparse, so that every message stays argparse's.

    Why: the program ``xlsheet validate`` then neither imports argparse (with gettext) nor builds its parsers:
    ≈ 5 ms of a ≈ 60 ms run (the demo, whole process, medians of 21 interleaved runs; issue #14)."""
    i = 0
    while i < len(argv) and argv[i] == "--debug":
        i += 1
    if i == len(argv) or argv[i] != "validate":
        return None
    found = {"debug": i > 0, "command": "validate", "func": _cmd_validate}
    given = dict.fromkeys(("file", "output", "previous"))
    seen = set()
    rest = iter(argv[i + 1:])
    for arg in rest:
        if arg in seen:
            return None
        seen.add(arg)
        if arg == "--debug":  # every command also takes it after its name (cli.build_parser)
            found["debug"] = True
        elif arg in SWITCHES:
            found[SWITCHES[arg]] = True
        elif arg in VALUED:
            value = next(rest, None)
            if value is None or value.startswith("-") or given[VALUED[arg]] is not None:
                return None
            given[VALUED[arg]] = value
        elif arg.startswith("-") or given["file"] is not None:
            return None
        else:
            given["file"] = arg
    if given["file"] is None or ("--published" in seen and "--strict" in seen):
        return None
    return _Args({**dict.fromkeys(SWITCHES.values(), False), **found, **given})


def register(sub) -> None:
    v = sub.add_parser("validate", help="校验工作簿（退出码 0 通过，1 有错误，2 无法读取）")
    v.add_argument("file")
    v.add_argument("--json", action="store_true", help="以 JSON 输出")
    v.add_argument("--write", action="store_true", help="另存一份带“校验结果”工作表和标记的副本（不改原文件）")
    v.add_argument("-o", "--output", help="--write 的输出文件（默认：原名_校验.xlsx）")
    v.add_argument("--overwrite", action="store_true", help="-o 指定的文件已存在时覆盖（原文件先备份为 .bak）")
    v.add_argument("--previous", help="上一年度工作簿，用于跨年度核对")
    v.add_argument("--all", action="store_true", help="显示全部问题（默认最多 60 条）")
    mode = v.add_mutually_exclusive_group()
    mode.add_argument("--published", action="store_true",
                      help="按已发布报告核对：空白按 0 核对勾稽关系，空白合并为一条警告（导入的工作簿默认如此）")
    mode.add_argument("--strict", action="store_true", help="按填报工作簿核对：每个空白都是错误（导入的工作簿也如此）")
    v.set_defaults(func=_cmd_validate)

    q = sub.add_parser("rules", help="列出校验规则")
    q.add_argument("--format", choices=["v2019", "v2021"], help="只列出适用于该格式的规则")
    q.set_defaults(func=_cmd_rules)
