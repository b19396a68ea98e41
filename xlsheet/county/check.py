"""Step 2 of a roll-up, run inside worker processes: read and validate one unit file into a compact
:class:`~xlsheet.county.units.Unit`.  Never raises for a bad file: every failure is the unit's status and reason."""
from __future__ import annotations

import hashlib
import re
from contextlib import ExitStack
from decimal import Decimal

from .units import Unit

#: A workbook this program wrote as a roll-up total carries this defined name (and the 汇总情况 sheet).
ROLLUP_MARK = "xs_rollup"
STATUS_SHEET = "汇总情况"
_NOT_WORDS = None  # compiled on first use (keeps importing this module cheap)
TOTAL_EXEMPT = ("META-", "TEXT-")  # rules a roll-up total cannot meet (基本信息 and 正文 are not summed)
MIN_FINGERPRINT = 40  # characters of normalised text below which a section is too short to call copied


def fingerprints(report) -> tuple[tuple[str, str], ...]:
    """Per narrative section, a hash of the text with the unit's own name, digits, punctuation and spaces removed:
    two units whose texts differ only in name and figures get the same fingerprint (a copied template)."""
    global _NOT_WORDS
    if _NOT_WORDS is None:
        _NOT_WORDS = re.compile(r"[\d\s\W_]+")
    out = []
    name = report.agency
    for f in report.spec.narrative:
        text = report.text(f.key)
        if name:
            text = text.replace(name, "")
        core = _NOT_WORDS.sub("", text)
        if len(core) >= MIN_FINGERPRINT:
            out.append((f.key, hashlib.sha1(core.encode("utf-8")).hexdigest()))
    return tuple(out)


def _numbers(values, keys) -> tuple:
    """Per key, the number in ``values`` as an int or Decimal; None where absent or not a number (blank, text)."""
    from ..values import NUMERIC_STATES

    out = []
    for k in keys:
        v = values.get(k)
        if v is None or v.state not in NUMERIC_STATES:
            out.append(None)
        else:
            n = v.number
            out.append(n if isinstance(n, (int, Decimal)) else Decimal(repr(n)))
    return tuple(out)


def _readable_path(path: str, stack) -> str:
    """``path``, or a link to it with a plain name when the name is not valid UTF-8 (the reader's native library
    takes UTF-8 paths only: a GBK name from a Windows zip would otherwise read as a broken file)."""
    import os

    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        pass
    import tempfile  # only here: ≈ 8 ms to import in a fresh process, and nearly every name is UTF-8

    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="xlsheet-unit-"))
    link = os.path.join(folder, "unit" + os.path.splitext(path)[1].encode("ascii", "ignore").decode())
    try:
        os.symlink(os.path.abspath(path), link)
    except OSError:
        import shutil

        shutil.copyfile(path, link)
    return link


def check_unit(path: str, name: str | None = None, totals: bool = False) -> Unit:
    """Read, recognise and validate the unit at ``path``; always returns a :class:`Unit`.  A roll-up total is
    ``skipped`` unless ``totals`` (a province rolling up its counties' totals)."""
    from ..errors import XlsheetError
    from ..safety import read_file
    from ..validation.engine import validate
    from ..workbook.reader import read_source
    from ..workbook.source import FileSource
    from .units import display_name, os_reason

    unit = Unit(path=path, name=name or display_name(path), status="unreadable")
    try:
        data = read_file(path, display_name(path))  # a regular file only: a named pipe would block the worker
        unit.digest = hashlib.sha1(data).hexdigest()
        with ExitStack() as stack:
            source = FileSource(_readable_path(path, stack), data=data)  # checked from these bytes, not re-read
            stack.callback(source.close)
            is_total = ROLLUP_MARK in source.defined_names() or STATUS_SHEET in source.sheet_names()
            if is_total and not totals:
                unit.status, unit.reason = "skipped", ("这是以往的汇总结果（含“汇总情况”），不是单位报表，不计入；"
                                                    "汇总各县的汇总表时请加 --totals")
                return unit
            report = read_source(source)
        result = validate(report)
    except XlsheetError as exc:
        unit.reason = str(exc)
        return unit
    except OSError as exc:
        unit.reason = f"无法读取文件：{os_reason(exc)}"
        return unit
    except Exception as exc:  # a bad file must never stop the batch
        unit.reason = f"内部错误：{type(exc).__name__}: {exc}"
        return unit
    spec = report.spec
    unit.agency, unit.year, unit.format = report.agency, report.year, spec.format
    unit.variants = tuple(sorted(report.variants))
    errors = result.errors
    if is_total:  # a total has no narrative or contact details of its own: only its tables are checked
        errors = [f for f in errors if not f.rule_id.startswith(TOTAL_EXEMPT)]
    unit.errors, unit.warnings = len(errors), len(result.warnings)
    unit.status = "errors" if errors else "passed"
    unit.reason = "；".join(f.message for f in errors[:3])
    unit.fingerprints = fingerprints(report)
    unit.values = _numbers(report.values, spec.fields)
    return unit


def check_chunk(items: list[tuple[str, str]], totals: bool = False) -> list[Unit]:
    """:func:`check_unit` for each (path, name) — one round trip for many small files."""
    return [check_unit(path, name, totals) for path, name in items]


_quiet = False


def check_chunk_in_worker(items: list[tuple[str, str]], totals: bool = False) -> list[Unit]:
    """Worker task: :func:`check_chunk` in a process of its own, whose stderr is silenced first — a native library
    dying on a hostile file prints a panic message there, and the clerk's terminal is the parent's; what happened
    reaches the parent as the unit's status instead."""
    global _quiet
    if not _quiet:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        _quiet = True
    return check_chunk(items, totals)
