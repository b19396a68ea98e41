"""``xlsheet rollup``: the county office's roll-up of many units' workbooks (the work is :func:`xlsheet.county.rollup`;
this module parses arguments, draws the progress bar and prints the summary)."""
from __future__ import annotations

import sys

from .common import overwrite_option


def progress_bar(stream=None):
    """A ``progress(done, total)`` callback drawing a bar on ``stream`` (stderr) — only when it is a terminal, so
    logs and captured ``--json`` output stay clean."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None

    def draw(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        stream.write(f"\r汇总中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return draw


#: Units listed one by one on the screen (those not passed); the 汇总情况 sheet and --json list all.
SHOWN = 60


def _cmd_rollup(args) -> int:
    from ..county import STATUS, rollup
    from ..isolation import cpu_count

    jobs = args.jobs if args.jobs and args.jobs > 0 else cpu_count()
    roll = rollup(args.inputs, args.output, year=args.year, agency=args.agency, jobs=jobs,
                  include_errors=args.include_errors, overwrite=args.overwrite, progress=progress_bar(),
                  totals=args.totals)
    summary = roll.summary()
    if args.json:
        import json

        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    print(f"汇总完成：{roll.output}（{roll.year}年度）")
    counts = "，".join(f"{label} {summary[s]}" for s, label in STATUS.items()
                      if summary[s] or s in ("passed", "errors", "unreadable"))
    print(f"共 {summary['units']} 个工作簿：{counts}；计入汇总 {summary['summed']} 个。")
    listed = [u for u in roll.units if u.status != "passed"]
    for u in listed[:SHOWN]:
        # the full reason is on the 汇总情况 sheet; a cut one says so
        reason = u.reason if len(u.reason) <= 120 else u.reason[:119] + "…（详见“汇总情况”表）"
        print(f"  {u.name}：{reason}")
    if len(listed) > SHOWN:  # thousands of lines would bury the summary: the sheet lists every unit
        print(f"  ……另有 {len(listed) - SHOWN} 个工作簿未通过或未计入，详见汇总工作簿的“汇总情况”表"
              "（或用 --json 输出全部）。")
    for p in roll.problems:
        print(f"  注意：{p}")
    if roll.stock_keys:
        print(f"  另有 {len(roll.stock_keys)} 个存量数字（如现行有效件数）为简单相加：跨层级可能重复计算"
              "（上下级单位都计入同一文件），已在表中标黄，请核对。")
    empty = roll.empty_reason()
    if empty:
        print(empty + "。汇总表中的数字为空白。")
    return 0


def register(sub) -> None:
    g = sub.add_parser("rollup", help="汇总多个单位的工作簿（逐个校验，只汇总通过的，重复的只计一次）")
    g.add_argument("inputs", nargs="+", help="工作簿文件或文件夹")
    g.add_argument("-o", "--output", required=True, help="汇总工作簿，如 汇总.xlsx")
    g.add_argument("--year", type=int, help="汇总年度（默认取多数单位的年度）")
    g.add_argument("--agency", default="汇总", help="汇总表的机关名称")
    g.add_argument("--jobs", type=int, default=0, help="并行进程数（默认：CPU 核数）")
    g.add_argument("--include-errors", action="store_true", help="有错误的单位也计入汇总")
    g.add_argument("--totals", action="store_true", help="汇总各县（区）的汇总表（默认会跳过以往的汇总结果）")
    g.add_argument("--json", action="store_true", help="以 JSON 输出汇总情况")
    overwrite_option(g)
    g.set_defaults(func=_cmd_rollup)
