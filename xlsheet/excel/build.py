"""``xlsheet new --macros``: the workbook as .xlsm with 校验 / 生成报告 / 清除标记 buttons and an xlwings.conf sheet.

The VBA project is taken at build time, unchanged, from ``macros/vbaProject.bin`` when an IT person has produced
one with xlsheet's wrapper Subs (see macros/README.md), otherwise from the installed xlwings package's standalone
quickstart workbook (xlwings.bas, BSD-licensed: ``RunPython`` without the add-in).  VBA cannot be compiled on
Linux, so with the xlwings module the buttons call ``RunPython`` with its argument (Excel's ``'Macro "arg"'``
form); with an IT-built project they call the parameterless wrappers.  XlsxWriter writes the base (VBA project,
form buttons), then openpyxl (``keep_vba``) fills the sheets through the same builder as ``xlsheet new``.
"""
from __future__ import annotations

import importlib.util
import io
import os
import tempfile
import zipfile
from importlib import resources
from pathlib import Path

from ..errors import XlsheetError
from ..fileio import atomic_write
from ..spec import spec_for_year
from ..workbook.layout import META_SHEET, TEXT_SHEET

# RunPython commands of the three actions (macros/xlsheet_macros.bas holds the same strings; a test compares them).
COMMANDS = {
    "validate": "import xlsheet.excel as x; x.validate()",
    "report": "import xlsheet.excel as x; x.generate_report()",
    "clear": "import xlsheet.excel as x; x.clear_marks()",
}
WRAPPERS = {"validate": "XlsheetValidate", "report": "XlsheetGenerateReport", "clear": "XlsheetClearMarks"}
CAPTIONS = {"validate": "校验", "report": "生成报告", "clear": "清除标记"}
CONF_SHEET = "xlwings.conf"
#: The UDF module new workbooks name; ``xlsheet.excel_udfs`` stays importable for workbooks built before.
UDF_MODULE = "xlsheet.excel.udfs"
#: Only what the workbook itself must set: every other key (Interpreter_Win, PYTHONPATH, …) is left to the
#: per-PC %USERPROFILE%\.xlwings\xlwings.conf, because a row here, even an empty one, overrides that file.
CONF = [("UDF Modules", UDF_MODULE)]
CONF_NOTE = [
    "说明：以上为本工作簿的 xlwings 设置（须从 A1 开始，中间不能有空行）。只设置了工作表函数所在的模块。",
    "Python 路径（Interpreter_Win）等请由信息技术人员在每台电脑的 %USERPROFILE%\\.xlwings\\xlwings.conf 中设置一次，",
    "不要写在这里：这里的任何一行（即使为空）都会覆盖那台电脑的设置。",
]
#: Defined name (a text constant) recording the xlwings version whose VBA and DLL name the .xlsm embeds.
XLWINGS_NAME = "xs_xlwings"


def version_mismatch(recorded: str, installed: str | None) -> str | None:
    """The Chinese message when the workbook's xlwings VBA (``recorded``) does not match the installed xlwings."""
    if installed == recorded:
        return None
    have = f"本机安装的是 xlwings {installed}" if installed else "本机没有安装 xlwings"
    return (f"本工作簿的按钮和工作表函数按 xlwings {recorded} 制作，{have}，两者版本须一致，"
            f"否则 Excel 会提示找不到 xlwings64-{recorded}.dll。请在命令行运行：\n"
            f"pip install \"xlwings=={recorded}\"\n或用本机的 xlsheet 重新生成工作簿（xlsheet new --macros）。")


def installed_xlwings() -> str | None:
    """The installed xlwings version, read from package metadata (xlwings itself is not imported)."""
    import importlib.metadata as md

    try:
        return md.version("xlwings")
    except md.PackageNotFoundError:
        return None


def vba_project() -> tuple[bytes, str]:
    """(vbaProject.bin, origin): "xlsheet" for an IT-built project in macros/, else "xlwings"."""
    shipped = resources.files("xlsheet.macros").joinpath("vbaProject.bin")
    if shipped.is_file():
        return shipped.read_bytes(), "xlsheet"
    spec = importlib.util.find_spec("xlwings")  # located, not imported: the core never imports xlwings
    if spec is None or not spec.origin:
        raise XlsheetError("生成带按钮的 .xlsm 需要 xlwings：pip install \".[excel]\"（在 xlsheet 源码文件夹中执行）")
    standalone = Path(spec.origin).parent / "quickstart_standalone.xlsm"
    with zipfile.ZipFile(standalone) as z:
        return z.read("xl/vbaProject.bin"), "xlwings"


def button_macro(action: str, origin: str) -> str:
    if origin == "xlsheet":
        return WRAPPERS[action]
    return f"'RunPython \"{COMMANDS[action]}\"'"


def _base(tmp: str, year: int, vba: bytes, origin: str) -> None:
    try:
        import xlsxwriter
    except ImportError:
        raise XlsheetError("生成带按钮的 .xlsm 需要 XlsxWriter：pip install \".[excel]\"（在 xlsheet 源码文件夹中执行）") from None
    spec = spec_for_year(year)
    wb = xlsxwriter.Workbook(tmp)
    wb.add_vba_project(io.BytesIO(vba), is_stream=True)
    wb.set_vba_name("ThisWorkbook")
    sheets = {META_SHEET: 6, TEXT_SHEET: None}
    sheets.update({t.sheet: t.ncols + 1 for t in spec.tables})
    for name, col in sheets.items():
        ws = wb.add_worksheet(name)
        if col is None:
            continue
        for i, action in enumerate(("validate", "report", "clear")):
            ws.insert_button(1 + i * 2, col - 1, {"macro": button_macro(action, origin), "caption": CAPTIONS[action],
                                                  "width": 96, "height": 30})
    conf = wb.add_worksheet(CONF_SHEET)
    for r, (key, value) in enumerate(CONF):
        conf.write(r, 0, key)
        conf.write(r, 1, value)
    for i, line in enumerate(CONF_NOTE):  # below a blank row: xlwings stops reading the settings there
        conf.write(len(CONF) + 2 + i, 0, line)
    conf.set_column(0, 0, 18)
    conf.set_column(1, 1, 40)
    wb.close()


def new_macro_workbook(path, year: int, agency: str, *, variants=(), overwrite: bool = False, **prefill) -> Path:
    """Write the .xlsm (the suffix is forced to .xlsm: Excel refuses macros in .xlsx)."""
    from openpyxl import load_workbook
    from openpyxl.workbook.defined_name import DefinedName

    from ..workbook.build import build_workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        path = path.with_suffix(".xlsm")
    vba, origin = vba_project()
    fd, tmp = tempfile.mkstemp(suffix=".xlsm")
    os.close(fd)
    try:
        _base(tmp, year, vba, origin)
        wb = load_workbook(tmp, keep_vba=True)
        build_workbook(year, agency, variants=variants, base=wb, buttons=True, **prefill)
        if origin == "xlwings":
            version = installed_xlwings()
            wb.defined_names[XLWINGS_NAME] = DefinedName(XLWINGS_NAME, attr_text=f'"{version}"')
        return atomic_write(path, wb.save, overwrite=overwrite)
    finally:
        os.unlink(tmp)
