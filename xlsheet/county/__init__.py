"""The county office's roll-up (汇总) of its units' workbooks, in four one-way steps:

``collect`` (which files; our own outputs recognised) → ``check`` (each unit read and validated in a limited
worker process: :mod:`.workers`, :mod:`.check`) → ``aggregate`` (duplicates, year and format, running sums:
:mod:`.aggregate`) → ``write`` (the summed workbook and its 汇总情况 sheet: :mod:`.write`).

Contract of :func:`rollup`:
* every input file becomes exactly one status row — passed / errors / unreadable / mismatch / duplicate / skipped —
  with its reason; a corrupt, hostile or crashing file is a row, never the end of the batch;
* each unit is counted once: byte-identical copies, a second report of the same agency and year, ``…_校验`` copies
  beside their original, earlier roll-up totals and the output itself are listed but not summed;
* only units without errors (``include_errors``: readable units with errors too) of the roll-up's year and format
  are summed; a cell stays blank when a summed unit has it blank; stock figures are summed and marked;
* the library never prints: ``progress(done, total)`` is called as units finish (the CLI draws the bar).
"""
from __future__ import annotations

from .aggregate import Rollup, Tally, aggregate, flag_copies
from .check import check_unit, fingerprints
from .collect import collect, unread_subfolders
from .units import STATUS, Unit

__all__ = ["rollup", "Rollup", "Unit", "STATUS", "collect", "check_unit", "fingerprints", "flag_copies",
           "aggregate", "Tally"]


def rollup(paths, output, *, year: int | None = None, agency: str = "汇总", jobs: int = 1,
           include_errors: bool = False, overwrite: bool = False, progress=None, isolate: bool = True,
           totals: bool = False, meta=None, narrative=None) -> Rollup:
    """Check, sum and write the units in ``paths`` (files and folders) to ``output``; returns the :class:`Rollup`.
    ``year`` defaults to the most common year among readable units; ``jobs`` worker processes (``isolate=False``
    checks in this process: trusted files only); ``totals`` accepts earlier roll-up totals as units (a province
    summing its counties), which are otherwise skipped.  ``meta`` / ``narrative`` (by spec key) fill the roll-up's
    own 基本信息 / 正文 (the county's details), so its workbook can become the county's report."""
    from ..errors import XlsheetError
    from .workers import check_units

    subfolders: list[str] = []
    units = collect(paths, output, subfolders=subfolders)
    unread = unread_subfolders(subfolders)
    if not units:
        raise XlsheetError("没有找到要汇总的工作簿（.xlsx / .xlsm）" + (f"。{unread}" if unread else ""))
    tally = Tally(agency, include_errors=include_errors)
    nxt = 0  # units before this index have been tallied, in file order (so "the first one counts" is stable)
    for i, unit in check_units(units, jobs, isolate=isolate, totals=totals, progress=progress, idle=_prepare_write):
        units[i] = unit
        while nxt < len(units) and units[nxt].status != "pending":
            tally.add(units[nxt])
            nxt += 1
    for unit in units[nxt:]:
        tally.add(unit)
    year_given = year is not None
    if year is None:
        year = tally.default_year()
        if year is None:
            raise XlsheetError("所有工作簿都无法读取，无法确定汇总年度；请用 --year 指定")
    flag_copies([u for u in tally.units if u.status in ("passed", "errors", "mismatch")])
    roll = tally.finish(year)
    roll.year_given = year_given
    if unread:
        roll.problems.append(unread)
    from .write import write_rollup

    roll.output = write_rollup(roll, output, overwrite=overwrite, meta=meta, narrative=narrative)
    return roll


def _prepare_write() -> None:
    from .write import prepare

    prepare()
