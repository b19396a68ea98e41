"""The roll-up's data: one :class:`Unit` per input file, as it flows collect → check → aggregate → write.

A ``Unit`` is what a worker process sends back for one file: compact (figures as a tuple in spec field order, no
Report object) so that 20,000 of them cross the process boundary and sit in the parent cheaply.
"""
from __future__ import annotations

from ..record import Record

#: Status code → the word on the 汇总情况 sheet.  Only ``passed`` (and ``errors`` with include_errors) is summed.
STATUS = {"passed": "通过", "errors": "有错误", "unreadable": "无法读取", "mismatch": "年度或格式不符",
          "duplicate": "重复（未计入）", "skipped": "已跳过"}


class Unit(Record):
    """One input file of a roll-up.

    ``name`` is printable (a file name that is not valid UTF-8 is decoded as GB18030 or with replacement marks);
    ``path`` is the real path to open.  ``values`` holds one entry per field of the unit's spec
    (``spec.fields`` order): an int / Decimal, or None when the cell is blank or not a number.
    (A :class:`~xlsheet.record.Record`, not a dataclass: importing ``dataclasses`` costs the roll-up ≈ 12 ms.)
    """

    __slots__ = _fields = ("path", "name", "status", "reason", "agency", "year", "format", "variants", "errors",
                           "warnings", "digest", "values", "fingerprints", "copies", "summed")

    def __init__(self, path: str, name: str, status: str = "pending", reason: str = "", agency: str = "",
                 year: int | None = None, format: str | None = None, variants: tuple[str, ...] = (),
                 errors: int = 0, warnings: int = 0, digest: str = "", values: tuple | None = None,
                 fingerprints: tuple[tuple[str, str], ...] = (), copies: list[str] | None = None,
                 summed: bool = False):
        self.path, self.name = path, name
        self.status = status  # "pending" until checked; then a key of STATUS
        self.reason, self.agency, self.year, self.format, self.variants = reason, agency, year, format, variants
        self.errors, self.warnings = errors, warnings
        self.digest = digest  # sha1 of the file's bytes (same content = same unit)
        self.values = values
        self.fingerprints = fingerprints  # (narrative key, digest of its normalised text)
        self.copies = [] if copies is None else copies  # 雷同 notes
        self.summed = summed

    @property
    def label(self) -> str:
        """How messages name this unit: its agency, else its file name."""
        return self.agency or self.name

    def status_row(self) -> dict:
        """The unit's line in :meth:`Rollup.summary` (JSON-ready; ``status_label`` is the word on 汇总情况, so a
        page or a report need not map the codes itself)."""
        return {"name": self.name, "agency": self.agency, "status": self.status,
                "status_label": STATUS.get(self.status, self.status), "errors": self.errors,
                "warnings": self.warnings, "reason": self.reason, "summed": self.summed, "copies": list(self.copies)}


def display_path(path: str) -> str:
    """``path`` as given, as text a clerk can read (decoded as :func:`display_name` decodes a file name): an error
    about a path names all of it, not only its last part."""
    return _readable(path)


def _readable(text: str) -> str:
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def display_name(path: str) -> str:
    """The file name of ``path`` as text a clerk can read and a workbook can hold.  On Linux a name that is not valid
    UTF-8 arrives with surrogate escapes (``os.fsdecode``); names from Chinese Windows zips are usually GB18030."""
    import os

    return _readable(os.path.basename(path))


def os_reason(exc: OSError) -> str:
    """A Chinese phrase for an operating-system error on a unit file or folder."""
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    if isinstance(exc, FileNotFoundError):
        return "文件不存在（可能已被移走或是失效的快捷方式）"
    if isinstance(exc, IsADirectoryError):
        return "这是文件夹，不是文件"
    from ..errors import os_error_reason

    return os_error_reason(exc)  # a loop of links, too many open files…: the project's one table of reasons
