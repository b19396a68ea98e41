"""``xlsheet rollup``: the county office's 汇总 of its units' workbooks.

Contract:
* every unit workbook is read and validated on its own; a corrupt or hostile file is a status row, never the end of
  the batch;
* only units that pass (no errors; warnings allowed) and are of the roll-up's format and year are summed, unless
  ``include_errors`` (then readable units with errors are summed too, and say so);
* flow figures are summed into a workbook of the same format (validate it and report it like any other); stock
  figures (现行有效件数, 上一年项目数量, 对外公开总数量) are summed too but marked on the sheet and listed, because summing
  stocks across levels can double-count; a cell is left blank when any summed unit has it blank;
* a 汇总情况 sheet lists every unit: passed / errors / unreadable / not summed, with reasons.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .spec import spec_for_year

STATUS = {"passed": "通过", "errors": "有错误", "unreadable": "无法读取", "mismatch": "年度或格式不符"}


def fingerprints(report) -> dict[str, str]:
    """Per narrative section, a hash of the text with the unit's own name, digits, punctuation and spaces removed:
    two units whose texts differ only in name and figures get the same fingerprint (a copied template)."""
    import hashlib
    import re

    out = {}
    name = report.agency
    for f in report.spec.narrative:
        text = report.text(f.key)
        if name:
            text = text.replace(name, "")
        core = re.sub(r"[\d\s\W_]+", "", text)
        if len(core) >= 40:
            out[f.key] = hashlib.sha1(core.encode("utf-8")).hexdigest()
    return out


def flag_copies(units: list[dict]) -> None:
    """Add 雷同 notes: units sharing a section fingerprint with another unit (FORMAT.md §5.1)."""
    by_print: dict[tuple[str, str], list[dict]] = {}
    for u in units:
        for key, digest in u.get("fingerprints", {}).items():
            by_print.setdefault((key, digest), []).append(u)
    for (key, _), group in by_print.items():
        if len(group) < 2:
            continue
        for u in group:
            names = [o["agency"] or o["name"] for o in group if o is not u]
            others = "、".join(names[:5]) + (f"等{len(names)}个单位" if len(names) > 5 else "")
            label = spec_for_year(u["year"]).narrative_label(key) if u["year"] else key
            u.setdefault("copies", []).append(f"“{label}”与{others}雷同")


def check_unit(path: str) -> dict:
    """Read and validate one unit workbook in isolation; always returns a plain (picklable) dict."""
    from .errors import XlsheetError
    from .validation.engine import validate
    from .workbook.reader import read

    out = {"path": path, "name": os.path.basename(path), "status": "unreadable", "agency": "", "year": None,
           "format": None, "variants": [], "values": {}, "errors": 0, "warnings": 0, "reason": ""}
    try:
        report = read(path)
        result = validate(report)
    except XlsheetError as exc:
        out["reason"] = str(exc)
        return out
    except Exception as exc:  # a bad file must never stop the batch
        out["reason"] = f"内部错误：{type(exc).__name__}: {exc}"
        return out
    out.update(agency=report.agency, year=report.year, format=report.spec.format, variants=sorted(report.variants),
               fingerprints=fingerprints(report),
               errors=len(result.errors), warnings=len(result.warnings),
               status="passed" if result.ok else "errors",
               reason="；".join(f.message for f in result.errors[:3]),
               values={k: (str(v.number) if isinstance(v.number, Decimal) else v.number) if v.is_number else None
                       for k, v in report.values.items()})
    return out


@dataclass
class Rollup:
    year: int
    agency: str
    units: list[dict] = field(default_factory=list)
    summed: list[dict] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    stock_keys: list[str] = field(default_factory=list)
    variants: set = field(default_factory=set)
    output: Path | None = None

    def summary(self) -> dict:
        counts = {s: sum(1 for u in self.units if u["status"] == s) for s in STATUS}
        return {"output": str(self.output) if self.output else None, "year": self.year, "agency": self.agency,
                "units": len(self.units), "summed": len(self.summed), **counts,
                "stock_cells_flagged": len(self.stock_keys),
                "unit_status": [dict({k: u[k] for k in ("name", "agency", "status", "errors", "warnings", "reason")},
                                     copies=u.get("copies", [])) for u in self.units]}


def collect(paths) -> list[str]:
    """Workbook files from a mix of files and folders (folders: *.xlsx and *.xlsm, sorted; Office lock files
    ``~$…`` skipped)."""
    from .errors import XlsheetError

    out = []
    for p in map(Path, paths):
        if not p.exists():
            raise XlsheetError(f"找不到文件或文件夹：{p}")
        if p.is_dir():
            out += sorted(str(f) for f in p.iterdir() if f.suffix.lower() in (".xlsx", ".xlsm")
                          and not f.name.startswith("~$"))
        else:
            out.append(str(p))
    return out


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r汇总中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def run_checks(files: list[str], jobs: int = 1) -> list[dict]:
    results: list[dict] = []
    if jobs > 1 and len(files) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for i, res in enumerate(pool.map(check_unit, files, chunksize=max(1, len(files) // (jobs * 8))), 1):
                results.append(res)
                _progress(i, len(files))
    else:
        for i, f in enumerate(files, 1):
            results.append(check_unit(f))
            _progress(i, len(files))
    return results


def _as_number(v):
    if v is None:
        return None
    return Decimal(v) if isinstance(v, str) else v


def aggregate(units: list[dict], year: int, agency: str, include_errors: bool = False) -> Rollup:
    spec = spec_for_year(year)
    roll = Rollup(year=year, agency=agency, units=units)
    for u in units:
        if u["status"] == "unreadable":
            continue
        if u["year"] != year or u["format"] != spec.format:
            u["status"] = "mismatch"
            u["reason"] = f"该工作簿为{u['year']}年度（{u['format']}），本次汇总为{year}年度（{spec.format}）"
            continue
        if u["status"] == "passed" or include_errors:
            roll.summed.append(u)
    roll.variants = {v for u in roll.summed for v in u["variants"]}
    for f in spec.fields_for(roll.variants):
        parts = [_as_number(u["values"].get(f.key)) for u in roll.summed if f.variant is None or f.variant in u["variants"]]
        if not parts or any(p is None for p in parts):
            continue  # blank somewhere (or no unit): leave blank, never invent 0
        total = sum(parts)
        roll.values[f.key] = float(total) if isinstance(total, Decimal) else total
        if f.stock:
            roll.stock_keys.append(f.key)
    return roll


def rollup(paths, output, *, year: int | None = None, agency: str = "汇总", jobs: int = 1,
           include_errors: bool = False, overwrite: bool = False, meta=None, narrative=None) -> Rollup:
    """Check, sum and write.  ``year`` defaults to the most common year among readable units; ``meta`` /
    ``narrative`` (by spec key) fill the roll-up's own 基本信息 / 正文."""
    from collections import Counter

    from .errors import XlsheetError

    files = collect(paths)
    if not files:
        raise XlsheetError("没有找到要汇总的工作簿（.xlsx / .xlsm）")
    units = run_checks(files, jobs=jobs)
    if year is None:
        years = Counter(u["year"] for u in units if u["year"] is not None)
        if not years:
            raise XlsheetError("所有工作簿都无法读取，无法确定汇总年度；请用 --year 指定")
        year = years.most_common(1)[0][0]
    flag_copies([u for u in units if u["status"] != "unreadable"])
    roll = aggregate(units, year, agency, include_errors=include_errors)
    from .rollup_write import write_rollup

    roll.output = write_rollup(roll, output, overwrite=overwrite, meta=meta, narrative=narrative)
    return roll
