"""The roll-up's output package before its figures are filled in: built with openpyxl, or taken from a disk cache.

Why: building the total workbook with openpyxl and saving it cost the roll-up ≈ 0.35 s of its ≈ 0.47 s for one
unit (importing openpyxl ≈ 0.12 s, building ≈ 0.2 s, saving ≈ 0.1 s) — whatever the number of units.  What varies
between two roll-ups of one county is a few hundred cell values (the sums, its name, the 汇总情况 texts); the
package around them depends only on the :func:`key` below.  :func:`blank_package` builds that package once with
empty cells and keeps it in the per-user cache folder; :mod:`.write` then writes the values into its sheet XML
as openpyxl would have (a test compares the result with the workbook openpyxl builds, cell by cell).

Contract of the cache: an optimisation only.  The file name is a hash of the key *and* of every source file the
package may be built from (this package's modules and data, openpyxl's version), so an upgrade or an
edited spec is never served a stale package; it is written atomically (a concurrent roll-up sees the old state or
the whole file); an unreadable, damaged or unwritable cache, or ``XLSHEET_NO_CACHE=1``, means building in memory.
"""
from __future__ import annotations

import hashlib
import io
import os

from ..tomlcache import cache_dir, store
from .check import ROLLUP_MARK, STATUS_SHEET

KEEP = 16  # cached packages kept (≈ 30 KB each): every upgrade or edit of the package starts a new set
_VERSION = 1  # bump when the package layout this module writes changes in a way the source hash would not see
NOTE_AUTHOR = "xlsheet汇总"
STOCK_NOTE = "存量数字：由各单位直接相加得到，跨层级可能重复计算，请核对后再使用。"
HEADERS = ["序号", "文件", "机关", "年度", "状态", "错误", "警告", "计入汇总", "原因 / 首要错误", "正文雷同"]
WIDTHS = [6, 36, 30, 7, 14, 6, 6, 9, 90, 50]
FIRST_ROW = 5  # 汇总情况 rows 1–4: title, counts, problems, headers; unit rows from here
TITLE_CELL, SUMMARY_CELL = "A1", "A2"  # where styles.list_sheet puts a list sheet's title and status line
PROBLEMS_CELL = "A3"


def build(year: int, agency: str, *, variants=(), values=None, stock_keys=(), meta=None, narrative=None,
          title: str = "", summary: str = "", problems: str | None = None) -> bytes:
    """The output package as openpyxl writes it: the total workbook of ``year`` filled with ``values`` /
    ``meta`` / ``narrative``, its ``stock_keys`` cells marked, the :data:`ROLLUP_MARK` name, and the 汇总情况 sheet
    with ``title``, ``summary``, ``problems`` (None: no problems line) and one styled prototype row at
    :data:`FIRST_ROW` (replaced by the unit rows when the package is written out).  Texts are used as given: the
    caller cleans user text."""
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.workbook.defined_name import DefinedName

    from ..workbook import names, styles
    from ..workbook.build import build_workbook

    wb = build_workbook(year, agency, variants=variants, values=values or {},
                        meta={"signoff_agency": agency, **(meta or {})}, narrative=narrative)
    wb.defined_names[ROLLUP_MARK] = DefinedName(ROLLUP_MARK, attr_text='"1"')
    for key in stock_keys:
        sheet, ref = wb.defined_names[names.input_name(key)].attr_text.split("!")
        ws = wb[sheet.strip("'")]
        cell = ref.replace("$", "")
        ws.conditional_formatting.add(cell, FormulaRule(formula=['"xlsheet"="xlsheet"'],
                                                        fill=PatternFill("solid", fgColor=styles.MARK_WARNING)))
        ws[cell].comment = Comment(STOCK_NOTE, NOTE_AUTHOR)
    ws = styles.list_sheet(wb, STATUS_SHEET, title, summary, HEADERS, WIDTHS)
    wb.active = 0
    for i in range(1, len(HEADERS) + 1):
        proto = ws.cell(row=FIRST_ROW, column=i)  # styled placeholder, replaced by the streamed rows
        proto.border, proto.font, proto.alignment = styles.BORDER, styles.LABEL, styles.LEFT
    ws.freeze_panes = f"A{FIRST_ROW}"
    if problems is not None:
        ws[PROBLEMS_CELL] = problems
        ws[PROBLEMS_CELL].font = styles.HEADER
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def key(year: int, variants, stock_keys, problems: bool) -> tuple:
    """What the blank package depends on besides the source: the year (its format and labels), the variants (the
    rows laid out), the marked stock cells, and whether 汇总情况 has a problems line (its own cell style)."""
    return (year, tuple(sorted(variants)), tuple(stock_keys), bool(problems))


def _sources() -> list[str]:
    """The files a blank package may be built from: every module and data file of this package (the builder
    reaches the specs, the rule catalogue and the live checks; hashing all ≈ 110 files costs ≈ 3 ms and cannot
    miss one) — and openpyxl's version file (found without importing openpyxl, which is what the cache saves)."""
    from importlib.util import find_spec

    files = []
    for root, dirs, names in os.walk(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        files += [os.path.join(root, n) for n in sorted(names) if n.endswith((".py", ".toml"))]
    spec = find_spec("openpyxl")
    if spec is not None and spec.origin:
        files.append(os.path.join(os.path.dirname(spec.origin), "_constants.py"))
    return files


_DIGEST: list = []  # [digest of the sources], computed once per process: they do not change under running code


def source_digest() -> bytes | None:
    """SHA-1 of every file of :func:`_sources` (path and bytes), or None when one cannot be read (then nothing is
    cached: what the package was built from is unknown).  The roll-up computes it while its workers check the
    first files (:func:`xlsheet.county.write.prepare`), not after them."""
    if not _DIGEST:
        h = hashlib.sha1()
        for path in _sources():
            try:
                with open(path, "rb") as fh:
                    h.update(path.encode("utf-8", "surrogateescape") + b"\0" + fh.read())
            except OSError:
                _DIGEST.append(None)
                break
        else:
            _DIGEST.append(h.digest())
    return _DIGEST[0]


def cache_path(k: tuple) -> str | None:
    """Where the blank package of key ``k`` is cached (None: no cache folder, or sources that cannot be read)."""
    folder = cache_dir()
    if folder is None:
        return None
    digest = source_digest()
    if digest is None:
        return None
    h = hashlib.sha1(repr((_VERSION, k)).encode("utf-8") + digest)
    return os.path.join(folder, "rollup", f"total-{h.hexdigest()}.xlsx")


def blank_package(year: int, variants, stock_keys, problems: bool, *, cached: bool = True
                  ) -> tuple[bytes, str | None]:
    """The blank package of :func:`key` (``agency``, values, meta, narrative and the 汇总情况 texts empty) and the
    cache file it came from or went to (None: built in memory only).  ``cached=False`` builds it even when a cached
    file is there, and replaces that file: the caller found it damaged."""
    k = key(year, variants, stock_keys, problems)
    path = cache_path(k)
    if path is not None and cached:
        try:
            with open(path, "rb") as fh:
                return fh.read(), path
        except OSError:
            pass
    data = build(year, "", variants=variants, stock_keys=stock_keys, problems="" if problems else None)
    if path is not None:
        _store(path, data)
    return data, path


def _store(path: str, data: bytes) -> None:
    if store(path, data):  # atomic: a concurrent roll-up reads the old state or the whole file
        _prune(os.path.dirname(path))


def _prune(folder: str) -> None:
    """Remove all but the :data:`KEEP` most recently written packages (a miss only: warm runs never list)."""
    try:
        entries = [e for e in os.scandir(folder) if e.name.startswith("total-") and e.name.endswith(".xlsx")]
        entries.sort(key=lambda e: e.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            os.unlink(old.path)
    except OSError:
        pass
