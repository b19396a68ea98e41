"""``xlsheet import``: a published report (.docx, .html/.htm, .txt) back into a workbook.

Exit 0 when every number of the report's tables was placed; 1 when some could not be placed (the workbook is
written all the same, with the unplaced numbers on a sheet of their own and on the terminal); 2 for a file that
cannot be imported."""
from __future__ import annotations

import sys
from pathlib import Path

from .common import overwrite_option


def _cmd_import(args) -> int:
    from ..importer import UNPLACED_SHEET, import_file, write_imported
    from ..importer.tables import is_number

    imp = import_file(args.file, fmt=args.format, year=args.year, agency=args.agency)
    out = Path(args.output) if args.output else Path(args.file).with_suffix(".xlsx")
    path = write_imported(imp, out, overwrite=args.overwrite)
    placed = sum(1 for p in imp.placed.values() if is_number(p.text))
    print(f"已导入：{path}（{imp.agency}，{imp.year}年度，{imp.spec.name}；表格中的 {placed} 个数字已放入对应单元格）")
    for p in imp.problems:
        print(f"  提示：{p}")
    if imp.unplaced:
        print(f"有 {len(imp.unplaced)} 个数字未能对应到规定格式的单元格，未导入（已列在工作表“{UNPLACED_SHEET}”中）：",
              file=sys.stderr)
        for u in imp.unplaced:
            print(f"  {u.where}  “{u.label}”  {u.text}  —— {u.reason}", file=sys.stderr)
        return 1
    return 0


def register(sub) -> None:
    i = sub.add_parser("import", help="把已发布的报告（.docx、网页 .html/.htm、文本 .txt）导入为工作簿"
                                      "（退出码 0 全部数字已导入，1 有数字未能导入，2 无法导入）")
    i.add_argument("file")
    i.add_argument("-o", "--output", help="输出 .xlsx")
    i.add_argument("--year", type=int, help="报告年度（不按标题识别）")
    i.add_argument("--agency", help="机关名称（不按标题识别）")
    i.add_argument("--format", choices=["v2019", "v2021"], help="表格格式（默认按年度：2020年度及以前 v2019）")
    overwrite_option(i)
    i.set_defaults(func=_cmd_import)
