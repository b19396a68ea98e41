"""Command line: ``xlsheet new | validate | report | run | import``.  A thin layer over the library.

Exit codes: 0 success (validate: no errors), 1 validation errors (or report refused because of them),
2 unreadable or invalid input / refused output, 3 unexpected internal error (message only; --debug shows more).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import XlsheetError


def _utf8_console() -> None:
    # Windows consoles default to a legacy code page; Chinese messages must not crash the program.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8", errors="replace")
        except (AttributeError, ValueError):
            pass


def _cmd_new(args) -> int:
    from .workbook.create import default_filename, new_workbook

    prefill = {}
    if args.from_path:
        from .carryover import prefill_from_previous

        prefill = prefill_from_previous(args.from_path, args.year)
    agency = args.agency or prefill.pop("agency", None)
    if not agency:
        raise XlsheetError("请用 --agency 指定机关名称（全称），或用 --from 从上一年度工作簿带入")
    prefill.pop("agency", None)
    variants = args.variant or prefill.pop("variants", [])
    prefill.pop("variants", None)
    out = Path(args.output) if args.output else Path(default_filename(args.year, agency))
    if args.macros:
        from .excel_build import new_macro_workbook

        path = new_macro_workbook(out, args.year, agency, variants=variants, overwrite=args.overwrite, **prefill)
    else:
        path = new_workbook(out, args.year, agency, variants=variants, overwrite=args.overwrite, **prefill)
    from .spec import spec_for_year

    print(f"已生成：{path}（{spec_for_year(args.year).name}）")
    if args.from_path:
        carried = [k for k in prefill.get("values", {}) if k.startswith("t3.carry")]
        print(f"已从上一年度带入基本信息，并预填“二、上年结转政府信息公开申请数量”{len(carried)}格。")
    return 0


def _validate(path, previous=None):
    from .validation.engine import validate
    from .workbook.reader import read

    report = read(path)
    prev = read(previous) if previous else None
    return validate(report, previous=prev)


def _cmd_validate(args) -> int:
    result = _validate(args.file, args.previous)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        from .validation.render_text import render_text

        print(render_text(result, limit=None if args.all else 60))
    if args.write:
        from .validation.writeback import write_validated_copy

        path, replaced = write_validated_copy(args.file, result, args.output)
        note = "（已替换上次的校验副本，旧副本备份为 .bak）" if replaced else ""
        print(f"已写出带“校验结果”工作表的副本：{path}{note}", file=sys.stderr if args.json else sys.stdout)
    return 0 if result.ok else 1


def _cmd_report(args) -> int:
    from .docx.render import generate_report

    path, result = generate_report(args.file, args.output, force=args.force, overwrite=args.overwrite,
                                   chart=not args.no_chart)
    if result.errors:
        print(f"注意：带着 {len(result.errors)} 个错误强制生成（--force），请勿直接发布。")
    print(f"已生成报告：{path}")
    return 0


def _cmd_run(args) -> int:
    """The main job on one workbook: validate, write the validation report (sheet + JSON), generate the DOCX."""
    from .docx.render import generate_report
    from .validation.render_text import render_text
    from .validation.writeback import write_validated_copy

    src = Path(args.file)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result = _validate(src)
    print(render_text(result, limit=30))
    checked, _ = write_validated_copy(src, result, out / f"{src.stem}_校验{src.suffix}")
    report_json = out / f"{src.stem}_校验结果.json"
    from .fileio import atomic_write

    atomic_write(report_json, lambda p: Path(p).write_text(json.dumps(result.to_dict(), ensure_ascii=False,
                                                                       indent=2), encoding="utf-8"),
                 overwrite=True)
    print(f"校验副本：{checked}\n校验结果：{report_json}")
    if not result.ok:
        print("存在错误，未生成报告。改正后再运行，或用“xlsheet report --force”强制生成草稿。")
        return 1
    path, _ = generate_report(src, out / f"{src.stem}.docx", overwrite=True, chart=True, result=result)
    print(f"报告：{path}")
    return 0


def _cmd_import(args) -> int:
    from .importer import import_docx, write_imported

    imp = import_docx(args.file)
    out = Path(args.output) if args.output else Path(args.file).with_suffix(".xlsx")
    path = write_imported(imp, out, overwrite=args.overwrite)
    print(f"已导入：{path}（{imp.agency}，{imp.year}年度，{imp.spec.name}）")
    for p in imp.problems:
        print(f"  提示：{p}")
    return 0


def _cmd_rollup(args) -> int:
    from .rollup import rollup

    roll = rollup(args.inputs, args.output, year=args.year, agency=args.agency, jobs=args.jobs,
                  include_errors=args.include_errors, overwrite=args.overwrite)
    summary = roll.summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(f"汇总完成：{roll.output}（{roll.year}年度）")
        print(f"共 {summary['units']} 个工作簿：通过 {summary['passed']}，有错误 {summary['errors']}，"
              f"无法读取 {summary['unreadable']}，年度或格式不符 {summary['mismatch']}；计入汇总 {summary['summed']} 个。")
        for u in roll.units:
            if u["status"] != "passed":
                print(f"  {u['name']}：{u['reason'][:120]}")
        if roll.stock_keys:
            print(f"  另有 {len(roll.stock_keys)} 个存量数字为简单相加，已在表中标出，请核对。")
    return 0


def _cmd_rules(args) -> int:
    """The rule catalogue, for clerks and the 政务公开办: id, severity, title, formats."""
    from .validation.catalogue import load_catalogue
    from .validation.findings import SEVERITY_LABEL
    from .validation.render_text import pad

    rules = [r for r in load_catalogue() if args.format is None or r.applies_to(args.format)]
    for r in rules:
        formats = "、".join("2019年版" if f == "v2019" else "2021年版" for f in r.formats)
        previous = "（需 --previous）" if r.params.get("needs") == "previous" else ""
        print(f"{pad(r.id, 20)}{SEVERITY_LABEL[r.severity]}  {r.title}{previous}  [{formats}]")
    print(f"共 {len(rules)} 条规则。错误会阻止生成报告，警告需要核对。")
    return 0


def _overwrite_option(parser) -> None:
    parser.add_argument("--overwrite", action="store_true", help="允许覆盖已有文件（原文件先备份为 .bak）")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xlsheet", description="政府信息公开工作年度报告：工作簿模板、校验、生成报告")
    p.add_argument("--debug", action="store_true", help="出现内部错误时显示技术细节")
    sub = p.add_subparsers(dest="command", required=True)

    n = sub.add_parser("new", help="新建年报工作簿（格式按年度自动选择）")
    n.add_argument("--year", type=int, required=True, help="报告年度，如 2024")
    n.add_argument("--agency", help="机关名称（全称）")
    n.add_argument("-o", "--output", help="输出文件（默认：机关名称+年度.xlsx）")
    n.add_argument("--variant", action="append", default=[], choices=["jilin"],
                   help="地方变体：jilin = 表二后加“发布总数量”一行")
    n.add_argument("--from", dest="from_path", help="上一年度的工作簿：带入基本信息，并以其“结转下年度”预填“上年结转”")
    n.add_argument("--macros", action="store_true", help="生成带“校验/生成报告”按钮的 .xlsm（需 xlwings）")
    _overwrite_option(n)
    n.set_defaults(func=_cmd_new)

    v = sub.add_parser("validate", help="校验工作簿（退出码 0 通过，1 有错误，2 无法读取）")
    v.add_argument("file")
    v.add_argument("--json", action="store_true", help="以 JSON 输出")
    v.add_argument("--write", action="store_true", help="另存一份带“校验结果”工作表和标记的副本（不改原文件）")
    v.add_argument("-o", "--output", help="--write 的输出文件（默认：原名_校验.xlsx）")
    v.add_argument("--previous", help="上一年度工作簿，用于跨年度核对")
    v.add_argument("--all", action="store_true", help="显示全部问题（默认最多 60 条）")
    v.set_defaults(func=_cmd_validate)

    r = sub.add_parser("report", help="生成年度报告 DOCX（有错误时拒绝，除非 --force）")
    r.add_argument("file")
    r.add_argument("-o", "--output", help="输出 .docx（默认与工作簿同名）")
    r.add_argument("--force", action="store_true", help="即使有错误也生成（草稿）")
    _overwrite_option(r)
    r.add_argument("--no-chart", action="store_true", help="不插入主动公开统计图")
    r.set_defaults(func=_cmd_report)

    u = sub.add_parser("run", help="一步完成：校验、写出校验结果、生成报告")
    u.add_argument("file")
    u.add_argument("--out", default="out", help="输出目录（默认 out）")
    u.set_defaults(func=_cmd_run)

    g = sub.add_parser("rollup", help="汇总多个单位的工作簿（逐个校验，只汇总通过的）")
    g.add_argument("inputs", nargs="+", help="工作簿文件或文件夹")
    g.add_argument("-o", "--output", required=True, help="汇总工作簿，如 汇总.xlsx")
    g.add_argument("--year", type=int, help="汇总年度（默认取多数单位的年度）")
    g.add_argument("--agency", default="汇总", help="汇总表的机关名称")
    g.add_argument("--jobs", type=int, default=1, help="并行进程数")
    g.add_argument("--include-errors", action="store_true", help="有错误的单位也计入汇总")
    g.add_argument("--json", action="store_true", help="以 JSON 输出汇总情况")
    _overwrite_option(g)
    g.set_defaults(func=_cmd_rollup)

    q = sub.add_parser("rules", help="列出校验规则")
    q.add_argument("--format", choices=["v2019", "v2021"], help="只列出适用于该格式的规则")
    q.set_defaults(func=_cmd_rules)

    i = sub.add_parser("import", help="把已发布的报告（.docx，官方表格格式）导入为工作簿")
    i.add_argument("file")
    i.add_argument("-o", "--output", help="输出 .xlsx")
    _overwrite_option(i)
    i.set_defaults(func=_cmd_import)
    return p


def main(argv=None) -> int:
    _utf8_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except XlsheetError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback for the clerk
        if args.debug:
            raise
        print(f"内部错误：{type(exc).__name__}: {exc}。请把此信息和文件发给技术支持（加 --debug 可显示详细信息）。",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
