"""A LiveBook over an openpyxl workbook that refuses what Excel refuses on a protected sheet (the file side of the
Excel adapter, for behaviour tests).

Excel's rules, as enforced here (Worksheet.Protect / the OOXML ``sheetProtection`` element, where a true flag
means "this is locked"):
- a fill (``Range.Interior.Color``) on a protected sheet is refused unless formatting cells is allowed
  (``formatCells`` false) — on locked and unlocked cells alike (COM error 1004);
- adding or deleting a note (comment) is refused unless editing objects is allowed (``objects`` false);
- a value written into a locked cell is refused; unlocked cells take values;
- ``Unprotect`` without the password of a password-protected sheet is refused.
Protection options are exchanged as Excel's Protect arguments (see ``xlsheet.excel.xlwings_book.PROTECT_FLAGS``).
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.protection import SheetProtection


class ProtectedSheetError(Exception):
    """What Excel raises (COM error 1004) for a change a sheet's protection does not allow."""

    def __init__(self, sheet, what):
        super().__init__(f"您试图更改的单元格或图表位于受保护的工作表中（{sheet}：{what}）")


#: Excel Protect argument → (openpyxl SheetProtection attribute, True when the Excel flag is the negation).
FLAGS = {
    "DrawingObjects": ("objects", False), "Scenarios": ("scenarios", False),
    "AllowFormattingCells": ("formatCells", True), "AllowFormattingColumns": ("formatColumns", True),
    "AllowFormattingRows": ("formatRows", True), "AllowInsertingColumns": ("insertColumns", True),
    "AllowInsertingRows": ("insertRows", True), "AllowInsertingHyperlinks": ("insertHyperlinks", True),
    "AllowDeletingColumns": ("deleteColumns", True), "AllowDeletingRows": ("deleteRows", True),
    "AllowSorting": ("sort", True), "AllowFiltering": ("autoFilter", True),
    "AllowUsingPivotTables": ("pivotTables", True),
}


class OpenpyxlBook:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.wb = load_workbook(self.path, keep_vba=self.path.suffix.lower() == ".xlsm")
        self.label = self.path.name
        self.fullname = str(self.path)
        self.alerts: list[tuple[str, str]] = []
        self.reads: list[str] = []

    # --- Excel's protection rules -------------------------------------------------------------------------
    def _guard(self, sheet, *, fill=False, note=False, cell=None):
        p = self.wb[sheet].protection
        if not p.sheet:
            return
        if fill and p.formatCells:
            raise ProtectedSheetError(sheet, "设置单元格格式")
        if note and p.objects:
            raise ProtectedSheetError(sheet, "编辑批注")
        if cell is not None and cell.protection.locked is not False:
            raise ProtectedSheetError(sheet, f"{cell.coordinate} 为锁定单元格")

    def protection(self, sheet):
        p = self.wb[sheet].protection
        if not p.sheet:
            return None
        out = {"Contents": True}
        for flag, (attr, negate) in FLAGS.items():
            value = bool(getattr(p, attr))
            out[flag] = (not value) if negate else value
        out["EnableSelection"] = (bool(p.selectLockedCells), bool(p.selectUnlockedCells))
        return out

    def unprotect(self, sheet):
        p = self.wb[sheet].protection
        if p.password:
            raise ProtectedSheetError(sheet, "密码不正确")
        p.sheet = False

    def protect(self, sheet, options):
        p = SheetProtection(sheet=True)
        for flag, (attr, negate) in FLAGS.items():
            if flag in options:
                setattr(p, attr, (not options[flag]) if negate else bool(options[flag]))
        if "EnableSelection" in options:
            p.selectLockedCells, p.selectUnlockedCells = options["EnableSelection"]
        self.wb[sheet].protection = p

    # --- the LiveBook operations ----------------------------------------------------------------------------
    def sheet_names(self):
        return self.wb.sheetnames

    def defined_names(self):
        return {n: dn.attr_text for n, dn in self.wb.defined_names.items()}

    def grid(self, sheet):
        self.reads.append(sheet)
        return [["" if v is None else v for v in row] for row in self.wb[sheet].iter_rows(values_only=True)]

    def write_block(self, sheet, row, col, rows):
        ws = self.wb[sheet]
        for i, line in enumerate(rows):  # Excel refuses the whole block if one cell is locked: check first
            for j, _ in enumerate(line):
                self._guard(sheet, cell=ws.cell(row=row + i, column=col + j))
        for i, line in enumerate(rows):
            for j, v in enumerate(line):
                ws.cell(row=row + i, column=col + j, value=v)

    def ensure_sheet(self, name, *, first=False, hidden=False):
        if name not in self.wb.sheetnames:
            ws = self.wb.create_sheet(name, 0 if first else None)
            if hidden:
                ws.sheet_state = "hidden"

    def delete_sheet(self, name):
        if name in self.wb.sheetnames:
            del self.wb[name]

    def clear_sheet(self, name):
        ws = self.wb[name]
        if ws.protection.sheet:
            raise ProtectedSheetError(name, "清除内容")
        if ws.max_row:
            ws.delete_rows(1, ws.max_row)

    def get_color(self, sheet, address):
        fill = self.wb[sheet][address].fill
        return "#" + fill.fgColor.rgb[-6:] if fill.fill_type == "solid" else None

    def set_color(self, sheet, address, color):
        self._guard(sheet, fill=True)
        self.wb[sheet][address].fill = PatternFill("solid", fgColor=color[1:]) if color else PatternFill()

    def has_note(self, sheet, address):
        return self.wb[sheet][address].comment is not None

    def add_note(self, sheet, address, text):
        self._guard(sheet, note=True)
        self.wb[sheet][address].comment = Comment(text, "xlsheet")

    def delete_note(self, sheet, address):
        self._guard(sheet, note=True)
        self.wb[sheet][address].comment = None

    def alert(self, text, title):
        self.alerts.append((title, text))

    def save(self):
        self.wb.save(self.path)
