"""``xlsheet new``: a new workbook, optionally prefilled from last year's."""
from __future__ import annotations

from pathlib import Path

from ..errors import XlsheetError
from .common import overwrite_option


def _cmd_new(args) -> int:
    from ..workbook.create import default_filename, new_workbook

    prefill = {}
    if args.from_path:
        from ..carryover import prefill_from_previous

        prefill = prefill_from_previous(args.from_path, args.year)
    agency = args.agency or prefill.pop("agency", None)
    if not agency:
        raise XlsheetError("请用 --agency 指定机关名称（全称），或用 --from 从上一年度工作簿带入")
    prefill.pop("agency", None)
    variants = args.variant or prefill.pop("variants", [])
    prefill.pop("variants", None)
    out = Path(args.output) if args.output else Path(default_filename(args.year, agency))
    if args.macros:
        from ..excel.build import new_macro_workbook

        path = new_macro_workbook(out, args.year, agency, variants=variants, overwrite=args.overwrite, **prefill)
    else:
        path = new_workbook(out, args.year, agency, variants=variants, overwrite=args.overwrite, **prefill)
    from ..spec import spec_for_year
    from ..textsafe import count_illegal

    print(f"已生成：{path}（{spec_for_year(args.year).name}）")
    removed = count_illegal(agency, prefill)
    if removed:
        print(f"注意：机关名称等文字中有 {removed} 个不可见的控制字符（如粘贴带入的垂直制表符），已删除，请核对。")
    if args.from_path:
        carried = [k for k in prefill.get("values", {}) if k.startswith("t3.carry")]
        print(f"已从上一年度带入基本信息，并预填“二、上年结转政府信息公开申请数量”{len(carried)}格。")
    return 0


def register(sub) -> None:
    n = sub.add_parser("new", help="新建年报工作簿（格式按年度自动选择）")
    n.add_argument("--year", type=int, required=True, help="报告年度，如 2024")
    n.add_argument("--agency", help="机关名称（全称）")
    n.add_argument("-o", "--output", help="输出文件（默认：机关名称+年度.xlsx）")
    n.add_argument("--variant", action="append", default=[], choices=["jilin"],
                   help="地方变体：jilin = 表二后加“发布总数量”一行")
    n.add_argument("--from", dest="from_path", help="上一年度的工作簿：带入基本信息，并以其“结转下年度”预填“上年结转”")
    n.add_argument("--macros", action="store_true", help="生成带“校验/生成报告”按钮的 .xlsm（需 xlwings）")
    overwrite_option(n)
    n.set_defaults(func=_cmd_new)
