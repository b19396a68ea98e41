"""``xlsheet import``: a published report back into a workbook."""
from __future__ import annotations

from pathlib import Path

from .common import overwrite_option


def _cmd_import(args) -> int:
    from ..importer import import_docx, write_imported

    imp = import_docx(args.file)
    out = Path(args.output) if args.output else Path(args.file).with_suffix(".xlsx")
    path = write_imported(imp, out, overwrite=args.overwrite)
    print(f"已导入：{path}（{imp.agency}，{imp.year}年度，{imp.spec.name}）")
    for p in imp.problems:
        print(f"  提示：{p}")
    return 0


def register(sub) -> None:
    i = sub.add_parser("import", help="把已发布的报告（.docx，官方表格格式）导入为工作簿")
    i.add_argument("file")
    i.add_argument("-o", "--output", help="输出 .xlsx")
    overwrite_option(i)
    i.set_defaults(func=_cmd_import)
