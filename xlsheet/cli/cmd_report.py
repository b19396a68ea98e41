"""``xlsheet report`` and ``xlsheet run``: the official DOCX, and the whole job on one workbook."""
from __future__ import annotations

from .common import overwrite_option


def _cmd_report(args) -> int:
    from pathlib import Path

    from .. import jobs
    from ..errors import XlsheetError

    also = tuple(kind for kind in ("html", "pdf") if getattr(args, kind))
    if args.output and Path(args.output).suffix.lower() in (".html", ".htm", ".pdf"):
        raise XlsheetError("-o 指定的是 DOCX 文件名（.docx）。需要网页版或 PDF 时加 --html 或 --pdf，"
                           "会在 DOCX 旁边生成同名的 .html / .pdf 文件。")
    path, result = jobs.report(args.file, args.output, force=args.force, overwrite=args.overwrite,
                               chart=not args.no_chart, also=also)
    if result.errors:
        draft = "" if args.output else f"；文件名带“{jobs.DRAFT_SUFFIX}”，改正后再生成的正式报告不会与它冲突"
        print(f"注意：带着 {len(result.errors)} 个错误强制生成（--force），各页已标“草稿”，请勿直接发布{draft}。")
    print(f"已生成报告：{path}")
    for kind in also:
        print(f"已生成{'网页' if kind == 'html' else 'PDF'}：{path.with_suffix(jobs.KINDS[kind])}")
    return 0


def _cmd_run(args) -> int:
    """The main job on one workbook: validate, write the validation report (sheet + JSON), generate the DOCX."""
    from .. import jobs
    from ..validation.render_text import render_text

    outcome = jobs.run(args.file, args.out)
    print(render_text(outcome.result, limit=30))
    print(f"校验副本：{outcome.checked}\n校验结果：{outcome.findings_json}")
    if outcome.docx is None:
        print("存在错误，未生成报告。改正后再运行，或用“xlsheet report --force”强制生成草稿。")
        _say_replaced(outcome)
        return 1
    print(f"报告：{outcome.docx}")
    _say_replaced(outcome)
    return 0


def _say_replaced(outcome) -> None:
    if outcome.replaced:
        print(f"（已替换上次运行的 {len(outcome.replaced)} 个输出文件，旧文件备份为“原名.bak.扩展名”）")


def register(sub) -> None:
    r = sub.add_parser("report", help="生成年度报告 DOCX（有错误时拒绝，除非 --force）")
    r.add_argument("file")
    r.add_argument("-o", "--output", help="输出 .docx（默认与工作簿同名；--force 带错误生成的草稿默认为“原名_草稿.docx”）")
    r.add_argument("--force", action="store_true", help="即使有错误也生成（草稿，默认文件名为“原名_草稿.docx”）")
    overwrite_option(r)
    r.add_argument("--no-chart", action="store_true", help="不插入主动公开统计图")
    r.add_argument("--html", action="store_true", help="同时生成网页版（.html，单个文件，可粘贴到门户网站）")
    r.add_argument("--pdf", action="store_true", help="同时生成 PDF（需要安装 LibreOffice）")
    r.set_defaults(func=_cmd_report)

    u = sub.add_parser("run", help="一步完成：校验、写出校验结果、生成报告")
    u.add_argument("file")
    u.add_argument("--out", default="out", help="输出目录（默认 out）")
    u.set_defaults(func=_cmd_run)
