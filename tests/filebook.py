"""A LiveBook over an openpyxl workbook: the file side of the Excel adapter, for behaviour tests."""
from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill


class OpenpyxlBook:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.wb = load_workbook(self.path)
        self.label = self.path.name
        self.fullname = str(self.path)
        self.alerts: list[tuple[str, str]] = []
        self.reads: list[str] = []

    def sheet_names(self):
        return self.wb.sheetnames

    def defined_names(self):
        return {n: dn.attr_text for n, dn in self.wb.defined_names.items()}

    def grid(self, sheet):
        self.reads.append(sheet)
        return [["" if v is None else v for v in row] for row in self.wb[sheet].iter_rows(values_only=True)]

    def write_block(self, sheet, row, col, rows):
        for i, line in enumerate(rows):
            for j, v in enumerate(line):
                self.wb[sheet].cell(row=row + i, column=col + j, value=v)

    def ensure_sheet(self, name, *, first=False, hidden=False):
        if name not in self.wb.sheetnames:
            ws = self.wb.create_sheet(name, 0 if first else None)
            if hidden:
                ws.sheet_state = "hidden"

    def clear_sheet(self, name):
        ws = self.wb[name]
        if ws.max_row:
            ws.delete_rows(1, ws.max_row)

    def get_color(self, sheet, address):
        fill = self.wb[sheet][address].fill
        return "#" + fill.fgColor.rgb[-6:] if fill.fill_type == "solid" else None

    def set_color(self, sheet, address, color):
        self.wb[sheet][address].fill = PatternFill("solid", fgColor=color[1:]) if color else PatternFill()

    def has_note(self, sheet, address):
        return self.wb[sheet][address].comment is not None

    def add_note(self, sheet, address, text):
        self.wb[sheet][address].comment = Comment(text, "xlsheet")

    def delete_note(self, sheet, address):
        self.wb[sheet][address].comment = None

    def alert(self, text, title):
        self.alerts.append((title, text))

    def save(self):
        self.wb.save(self.path)
