"""``xlsheet rollup``: the county office's roll-up of many units' workbooks."""
from __future__ import annotations

import json

from .common import overwrite_option


def _cmd_rollup(args) -> int:
    from ..rollup import rollup

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


def register(sub) -> None:
    g = sub.add_parser("rollup", help="汇总多个单位的工作簿（逐个校验，只汇总通过的）")
    g.add_argument("inputs", nargs="+", help="工作簿文件或文件夹")
    g.add_argument("-o", "--output", required=True, help="汇总工作簿，如 汇总.xlsx")
    g.add_argument("--year", type=int, help="汇总年度（默认取多数单位的年度）")
    g.add_argument("--agency", default="汇总", help="汇总表的机关名称")
    g.add_argument("--jobs", type=int, default=1, help="并行进程数")
    g.add_argument("--include-errors", action="store_true", help="有错误的单位也计入汇总")
    g.add_argument("--json", action="store_true", help="以 JSON 输出汇总情况")
    overwrite_option(g)
    g.set_defaults(func=_cmd_rollup)
