"""Excel entry points (xlwings).  xlwings is imported here only, lazily; the core never needs Excel.

Buttons and ribbon callbacks run, through xlwings' ``RunPython``::

    import xlsheet.excel as x; x.validate()          ' 校验
    import xlsheet.excel as x; x.generate_report()   ' 生成报告
    import xlsheet.excel as x; x.clear_marks()       ' 清除标记

Each takes an optional ``book`` (an ``xlwings.Book``); without one it uses ``xlwings.Book.caller()``, so the same
functions also serve scripts that already hold a Book (xlwings Server / Lite style).  Any exception becomes a
Chinese dialog, never xlwings' traceback popup.

The package: :mod:`.live` (the operations on any LiveBook, engine-independent), :mod:`.marks` (transactional
marks), :mod:`.xlwings_book` (the LiveBook over xlwings), :mod:`.udfs` (worksheet functions; ``xlsheet.excel_udfs``
is kept as an alias module for workbooks built before the move), :mod:`.build` (``xlsheet new --macros``).
"""
from __future__ import annotations

from ..errors import XlsheetError

TITLES = {"validate": "校验", "report": "生成报告", "clear": "清除标记"}


def _xlwings():
    try:
        import xlwings
    except ImportError:
        raise XlsheetError("需要安装 xlwings：pip install \".[excel]\"（在 xlsheet 源码文件夹中执行）") from None
    return xlwings


def _live(book):
    from .xlwings_book import XlwingsBook

    return XlwingsBook(book if book is not None else _xlwings().Book.caller())


def _version_warning(live) -> str | None:
    """The Chinese warning when the workbook's buttons were built with another xlwings than the installed one."""
    from ..workbook.source import parse_constant
    from .build import XLWINGS_NAME, installed_xlwings, version_mismatch

    recorded = parse_constant(live.defined_names().get(XLWINGS_NAME, ""))
    return version_mismatch(recorded, installed_xlwings()) if recorded else None


def _guard(fn, book, title: str, **kwargs):
    """Run an entry point.  An XlsheetError shows its Chinese message; any other exception a Chinese dialog
    saying the run was undone (the operations roll their marks back themselves) — never a traceback."""
    live = _live(book)
    try:
        warning = _version_warning(live)
        if warning:
            live.alert(warning, "xlwings 版本")
        return fn(live, **kwargs)
    except XlsheetError as exc:
        live.alert(str(exc), "xlsheet")
    except Exception as exc:
        live.alert(f"“{title}”未完成，本次对工作簿的改动已撤销。\n原因：{type(exc).__name__}: {exc}\n"
                   "请把此信息发给技术支持；也可以在命令行运行 xlsheet validate 工作簿.xlsx 检查。", "xlsheet")
    return None


def validate(book=None):
    """校验 the live workbook: mark offending cells, list findings on 校验结果, clear the previous marks."""
    from .live import validate_book

    return _guard(validate_book, book, TITLES["validate"])


def generate_report(book=None, output=None, force: bool = False):
    """生成报告: write the DOCX next to the workbook and tell the clerk where."""
    from .live import generate_report_book

    return _guard(generate_report_book, book, TITLES["report"], output=output, force=force)


def clear_marks(book=None):
    """清除标记: restore the cells xlsheet marked and empty 校验结果."""
    from .live import clear_book

    return _guard(clear_book, book, TITLES["clear"])
