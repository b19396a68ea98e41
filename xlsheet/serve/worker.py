"""The service's untrusted work, run in :class:`xlsheet.isolation.LimitedPool` worker processes: every function
here takes paths and plain values, calls :mod:`xlsheet.jobs`, and returns a plain JSON-able dict, so the web
process never parses a workbook.  Failures come back as ``{"error": "<Chinese message>", "code": N}`` (the CLI's
exit code: 2 bad input, 1 refused while errors remain, 3 internal), never as an exception."""
from __future__ import annotations

from pathlib import Path


#: The file in a submission's derived folder recording what its marked copy is made from.
INPUTS = "inputs.json"


def _guard(fn):
    def wrapper(*args):
        from ..errors import XlsheetError

        try:
            return fn(*args)
        except XlsheetError as exc:
            return {"error": str(exc), "code": exc.exit_code}
        except MemoryError:
            return {"error": "处理该文件所需内存超出限制（文件可能过大或含恶意内容）", "code": 2}
        except Exception as exc:  # a hostile file must give a message, never a traceback
            return {"error": f"内部错误：{type(exc).__name__}。文件可能已损坏，请在 Excel 或 WPS 中另存为 .xlsx 后重试。",
                    "code": 3}
    # picklable by reference: the public name below is the wrapper itself
    wrapper.__name__ = wrapper.__qualname__ = fn.__name__.lstrip("_")
    wrapper.__wrapped__ = fn
    return wrapper


def _summary(result, display: str) -> dict:
    data = result.to_dict()
    data["file"] = display  # what the user uploaded, as `xlsheet validate --json NAME` would print it
    return data


def _validate(path: str, display: str) -> dict:
    from .. import jobs

    return {"result": _summary(jobs.check(path), display)}


def _previous(path: str, previous_by_year: dict | None) -> str | None:
    """The unit's passed workbook of the year before ``path``'s (``previous_by_year``: {year: path})."""
    if not previous_by_year:
        return None
    from ..workbook.reader import read

    year = read(path).year
    return previous_by_year.get(year - 1) if year else None


def _process(path: str, out_dir: str, display: str, previous_by_year: dict | None = None) -> dict:
    """Validate and, when clean, write the DOCX into ``out_dir``.  ``previous_by_year`` ({year: path} of the
    unit's passed workbooks) adds the cross-year rules against the workbook of the year before this one's.
    The marked copy is only named here (``marked``): it is written on its first download (:func:`_mark`, from
    the same immutable inputs, recorded in ``out_dir/inputs.json``), which keeps the upload fast."""
    import json

    from .. import jobs

    out = Path(out_dir)
    out.mkdir(mode=0o700, parents=True, exist_ok=True)  # the service's folders are private (store.py)
    previous = _previous(path, previous_by_year)
    # the previous workbook by its stored name (<sha256>.<suffix>), so that a moved data folder still works
    (out / INPUTS).write_text(json.dumps({"previous": Path(previous).name if previous else None}), encoding="utf-8")
    result = jobs.check(path, previous)
    docx = None
    if result.ok:
        docx = jobs.produce_report(result, out / f"{Path(path).stem}.docx", overwrite=True)
    return {"result": _summary(result, display), "marked": jobs.marked_path(path, out).name,
            "docx": docx.name if docx else None}


def _mark(path: str, out: str, previous: str | None) -> dict:
    """The marked copy of ``path`` (validated again with the same ``previous`` as at upload)."""
    from .. import jobs

    return {"path": str(jobs.mark(path, out, previous))}


def _report(path: str, out: str, display: str) -> dict:
    """The DOCX of a clean workbook; refused (code 1, with the findings) while errors remain."""
    from .. import jobs
    from ..errors import ReportBlockedError

    result = jobs.check(path)
    try:
        jobs.produce_report(result, out, overwrite=True, hint=jobs.HINT_WEB)
    except ReportBlockedError as exc:
        return {"error": str(exc), "code": exc.exit_code, "result": _summary(result, display)}
    return {"result": _summary(result, display), "docx": out}


def _render(path: str, out: str, kind: str) -> dict:
    """The report of a clean workbook as ``kind`` (html/pdf, as :func:`xlsheet.jobs.produce_report` writes it);
    refused (code 1) while errors remain."""
    from .. import jobs

    jobs.produce_report(jobs.check(path), out, overwrite=True, hint=jobs.HINT_WEB, kind=kind)
    return {"path": out}


def _new_book(out: str, year: int, agency: str, previous: str | None) -> dict:
    from .. import jobs

    jobs.new_book(out, year, agency, previous=previous, overwrite=True)
    return {"path": out}


def _county(paths: list, out_dir: str, year: int, agency: str, meta: dict | None = None,
            narrative: dict | None = None) -> dict:
    """The roll-up (:func:`xlsheet.jobs.county`) with the county's own texts; its DOCX, or the 草稿 DOCX."""
    from .. import jobs

    outcome = jobs.county(paths, out_dir, year=year, agency=agency, meta=meta, narrative=narrative, draft=True)
    return {"summary": outcome.rollup.summary(cli=False), "workbook": outcome.workbook.name,
            "docx": outcome.docx.name if outcome.docx else None, "refused": outcome.refused,
            "draft": outcome.draft.name if outcome.draft else None,
            "result": _summary(outcome.result, outcome.workbook.name)}


def _roster(path: str) -> dict:
    """Unit names from the first column of an officer's .xlsx list (a header cell such as 单位名称 is skipped)."""
    from openpyxl import load_workbook

    from ..safety import preflight

    preflight(path, kind="名单工作簿")
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        names = [str(row[0]).strip() for row in wb.worksheets[0].iter_rows(max_col=1, values_only=True)
                 if row and row[0] is not None and str(row[0]).strip()]
    finally:
        wb.close()
    return {"names": names}


def ping() -> dict:
    """Nothing: submitted once per worker at start-up, so that the pool's processes exist before the first
    upload (their imports were done by the forkserver's preload)."""
    return {}


validate = _guard(_validate)
process = _guard(_process)
mark = _guard(_mark)
report = _guard(_report)
render = _guard(_render)
new_book = _guard(_new_book)
county = _guard(_county)
roster = _guard(_roster)
