"""``xlsheet new``: a new workbook, optionally prefilled from last year's (:func:`xlsheet.jobs.new_book`)."""
from __future__ import annotations

from .common import overwrite_option


def _cmd_new(args) -> int:
    from .. import jobs
    from ..spec import spec_for_year

    book = jobs.new_book(args.output, args.year, args.agency, previous=args.from_path, variants=args.variant,
                         overwrite=args.overwrite, macros=args.macros,
                         no_agency="请用 --agency 指定机关名称（全称），或用 --from 从上一年度工作簿带入")
    print(f"已生成：{book.path}（{spec_for_year(args.year).name}）")
    if book.removed_chars:
        print(f"注意：机关名称等文字中有 {book.removed_chars} 个不可见的控制字符（如粘贴带入的垂直制表符），已删除，请核对。")
    if args.from_path:
        print(f"已从上一年度带入基本信息，并预填“二、上年结转政府信息公开申请数量”{len(book.carried)}格。")
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
