""":class:`~xlsheet.excel.live.LiveBook` over an ``xlwings.Book`` (Excel through COM, or xlwings' remote engine).

Protection goes through the Excel object model (``sheet.api``), which only the COM engine (Windows) has; on other
engines :meth:`XlwingsBook.protection` raises ``NotImplementedError`` and the caller marks without unprotecting.
"""
from __future__ import annotations

#: Worksheet.Protect arguments in Excel's order (after Password), read back from the sheet before unprotecting.
PROTECT_FLAGS = ("DrawingObjects", "Contents", "Scenarios", "UserInterfaceOnly", "AllowFormattingCells",
                 "AllowFormattingColumns", "AllowFormattingRows", "AllowInsertingColumns", "AllowInsertingRows",
                 "AllowInsertingHyperlinks", "AllowDeletingColumns", "AllowDeletingRows", "AllowSorting",
                 "AllowFiltering", "AllowUsingPivotTables")
#: Where each flag is read on the Worksheet (sheet-level properties) or its Protection object (the Allow* ones).
_SHEET_PROPERTY = {"DrawingObjects": "ProtectDrawingObjects", "Contents": "ProtectContents",
                   "Scenarios": "ProtectScenarios", "UserInterfaceOnly": "ProtectionMode"}


def _hex(colour) -> str | None:
    if colour is None:
        return None
    if isinstance(colour, str):
        return colour if colour.startswith("#") else "#" + colour
    r, g, b = colour[:3]
    return f"#{r:02X}{g:02X}{b:02X}"


class XlwingsBook:
    """One bulk range read per sheet; fills, notes and protection through xlwings / the Excel object model."""

    def __init__(self, book):
        self.book = book
        self.label = book.name
        self.fullname = book.fullname

    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def defined_names(self) -> dict[str, str]:
        out = {}
        for n in self.book.names:
            name = n.name
            if "!" in name:  # sheet-scoped names are not xlsheet's
                continue
            refers = n.refers_to or ""
            out[name] = refers[1:] if refers.startswith("=") else refers
        return out

    def grid(self, sheet: str) -> list[list]:
        sh = self.book.sheets[sheet]
        last = sh.used_range.last_cell
        values = sh.range((1, 1), (last.row, last.column)).options(ndim=2).value
        return [[("" if v is None else v) for v in row] for row in values]

    def write_block(self, sheet: str, row: int, col: int, rows: list[list]) -> None:
        if rows:
            self.book.sheets[sheet].range((row, col)).value = rows

    def ensure_sheet(self, name: str, *, first: bool = False, hidden: bool = False) -> None:
        if name in self.sheet_names():
            return
        sheets = self.book.sheets
        sheet = sheets.add(name, before=sheets[0]) if first else sheets.add(name, after=sheets[len(sheets) - 1])
        if hidden:
            sheet.visible = False

    def delete_sheet(self, name: str) -> None:
        if name in self.sheet_names():
            self.book.sheets[name].delete()  # xlwings turns Excel's confirmation dialog off around Delete

    def clear_sheet(self, name: str) -> None:
        self.book.sheets[name].clear_contents()

    def get_color(self, sheet: str, address: str) -> str | None:
        return _hex(self.book.sheets[sheet].range(address).color)

    def set_color(self, sheet: str, address: str, color: str | None) -> None:
        self.book.sheets[sheet].range(address).color = color

    def has_note(self, sheet: str, address: str) -> bool:
        return self.book.sheets[sheet].range(address).note is not None

    def add_note(self, sheet: str, address: str, text: str) -> None:
        self.book.sheets[sheet].range(address).add_note(text)

    def delete_note(self, sheet: str, address: str) -> None:
        note = self.book.sheets[sheet].range(address).note
        if note is not None:
            note.delete()

    def _api(self, sheet: str):
        try:
            api = self.book.sheets[sheet].api
        except (NotImplementedError, AttributeError) as exc:
            raise NotImplementedError("no Excel object model") from exc
        if isinstance(api, (dict, list)):  # the remote engine's "api" is its JSON payload
            raise NotImplementedError("no Excel object model on this engine")
        return api

    def protection(self, sheet: str) -> dict | None:
        """None when ``sheet`` is not protected, else the flags of its Worksheet.Protect call (PROTECT_FLAGS)
        plus ``EnableSelection``, so :meth:`protect` can restore exactly the same protection."""
        api = self._api(sheet)
        try:
            api.ProtectContents
        except AttributeError as exc:  # macOS (appscript) spells the object model differently
            raise NotImplementedError("no Windows Excel object model") from exc
        if not (api.ProtectContents or api.ProtectDrawingObjects or api.ProtectScenarios):
            return None
        allow = api.Protection
        flags = {k: bool(getattr(api, _SHEET_PROPERTY[k]) if k in _SHEET_PROPERTY else getattr(allow, k))
                 for k in PROTECT_FLAGS}
        flags["EnableSelection"] = int(api.EnableSelection)
        return flags

    def unprotect(self, sheet: str) -> None:
        self._api(sheet).Unprotect()

    def protect(self, sheet: str, options: dict) -> None:
        api = self._api(sheet)
        api.Protect(**{k: options[k] for k in PROTECT_FLAGS if k in options})
        if "EnableSelection" in options:
            api.EnableSelection = options["EnableSelection"]

    def alert(self, text: str, title: str) -> None:
        try:
            self.book.app.alert(text, title=title)
        except Exception:  # engines without dialogs: the 校验结果 sheet still says everything
            pass
