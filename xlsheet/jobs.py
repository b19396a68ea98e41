"""The workflows, each written once: check a workbook, produce the report, run both.

The CLI, the Excel entry points and the web service are thin layers over these functions: they parse their
input, call one of them and render what comes back.  Every function raises :class:`~xlsheet.errors.XlsheetError`
subclasses for bad input (a complete Chinese message) and never prints.
"""
from __future__ import annotations

# pathlib is imported by the functions that use it, not here: ``xlsheet validate`` imports this module for
# :func:`check` alone, and pathlib (with fnmatch, urllib.parse, ipaddress) is ≈ 5 ms of its start-up.
from .errors import ReportBlockedError
from .record import Record

#: What a refused report tells each kind of user to do next.
HINT_CLI = "请改正后再生成；如确需先出草稿，可加 --force。"
HINT_EXCEL = "请先点击“校验”查看并改正。"
HINT_WEB = "请改正后重新上传。"


def check(source, previous=None, published: bool | None = None):
    """Read and validate ``source`` (a path or an already read :class:`~xlsheet.report.Report`); ``previous``
    (path or Report) adds the cross-year rules; ``published`` assesses blanks as a published report's zeros
    (default: only for workbooks imported from a published report).  Returns the validation ``Result``.
    Defined in :func:`xlsheet.validation.engine.check` (``xlsheet validate`` calls it there, without importing
    this module)."""
    from .validation.engine import check as _check

    return _check(source, previous, published)


def refusal(result, hint: str) -> str:
    """The message when errors block the report: how many, the first 15, and what to do (``hint``)."""
    from .validation.findings import SEVERITY_LABEL

    shown = "\n".join(f"  {SEVERITY_LABEL[f.severity]} {f.address or ''} {f.message}" for f in result.errors[:15])
    more = f"\n  ……另有 {len(result.errors) - 15} 个错误" if len(result.errors) > 15 else ""
    return f"工作簿还有 {len(result.errors)} 个错误，未生成报告：\n{shown}{more}\n{hint}"


#: Suffix of the default file name of a report forced with errors, so the draft never takes the final name.
DRAFT_SUFFIX = "_草稿"


def default_report_path(src, *, draft: bool = False) -> Path:
    """Where the DOCX of workbook ``src`` goes by default: beside it, same name (a ``_校验`` copy maps back);
    ``draft`` (forced with errors): ``NAME_草稿.docx``, so a later clean report is not blocked by the draft."""
    from pathlib import Path

    src = Path(src)
    return src.with_name(src.stem.removesuffix("_校验") + (DRAFT_SUFFIX if draft else "") + ".docx")


#: Output kinds of a report and their file suffixes.
KINDS = {"docx": ".docx", "html": ".html", "pdf": ".pdf"}


def produce_report(result, out, *, force: bool = False, overwrite: bool = False, chart: bool = True,
                   hint: str = HINT_CLI, kind: str = "docx") -> Path:
    """Write the report of a validated ``result`` to ``out`` atomically, as ``kind`` (docx: the official
    document; html: one self-contained page for the portal; pdf: the DOCX converted by LibreOffice).  Refuses
    (:class:`ReportBlockedError`, exit code 1) while errors remain unless ``force`` — a forced report is marked
    草稿 with the number of errors on every page; never replaces ``out`` without ``overwrite`` (and then keeps a
    backup)."""
    from pathlib import Path

    from .fileio import atomic_write

    if kind not in KINDS:
        raise ValueError(kind)
    if result.errors and not force:
        raise ReportBlockedError(refusal(result, hint))
    out = Path(out)
    draft = len(result.errors) or None  # forced with errors: every page says 草稿
    atomic_write(out, lambda tmp: _RENDER[kind](result.report, tmp, chart=chart, draft_errors=draft),
                 overwrite=overwrite)
    return out


def _render_docx(report, path, **kw):
    from .docx.render import render_docx

    return render_docx(report, path, **kw)


def _render_html(report, path, **kw):
    from .html import render_html

    return render_html(report, path, **kw)


def _render_pdf(report, path, **kw):
    import tempfile
    from pathlib import Path

    from .docx.pdf import NOT_INSTALLED, PdfUnavailableError, docx_to_pdf, soffice

    if soffice() is None:  # before rendering anything
        raise PdfUnavailableError(NOT_INSTALLED)
    with tempfile.TemporaryDirectory(prefix="xlsheet-") as tmp:
        docx_path = Path(tmp) / "report.docx"
        _render_docx(report, docx_path, **kw)
        docx_to_pdf(docx_path, path)


_RENDER = {"docx": _render_docx, "html": _render_html, "pdf": _render_pdf}


def report(src, out=None, *, force: bool = False, overwrite: bool = False, chart: bool = True,
           also: tuple[str, ...] = ()):
    """Check workbook ``src`` and write its DOCX (default: beside it; ``NAME_草稿.docx`` when forced with
    errors), plus the kinds in ``also`` ("html", "pdf") beside the DOCX under the same name.  Returns (docx path,
    result); the others are ``path.with_suffix(KINDS[kind])``."""
    from pathlib import Path

    from .fileio import check_output

    result = check(src) if force and out is None else None  # the default name depends on whether it is a draft
    path = Path(out or default_report_path(src, draft=bool(result and result.errors)))
    targets = [path] + [path.with_suffix(KINDS[kind]) for kind in also]
    for target in targets:  # all or nothing: refuse (a folder, or a file without --overwrite) before writing any
        check_output(target, overwrite=overwrite)
    if "pdf" in also:
        from .docx.pdf import NOT_INSTALLED, PdfUnavailableError, soffice

        if soffice() is None:
            raise PdfUnavailableError(NOT_INSTALLED)
    if result is None:
        result = check(src)
    path = produce_report(result, path, force=force, overwrite=overwrite, chart=chart)
    for kind in also:
        produce_report(result, path.with_suffix(KINDS[kind]), force=force, overwrite=overwrite, chart=chart,
                       kind=kind)
    return path, result


class RunOutcome(Record):
    """What :func:`run` produced: the result and the files written (``docx`` is None when refused); ``replaced``:
    those of them that an earlier run had written (each kept as .bak)."""

    _fields = ("result", "checked", "findings_json", "docx", "replaced")

    def __init__(self, result: object, checked: Path, findings_json: Path, docx: Path | None = None,
                 replaced: list[Path] | None = None):
        self.result = result
        self.checked = checked
        self.findings_json = findings_json
        self.docx = docx
        self.replaced = [] if replaced is None else replaced


def run(src, out_dir, previous=None) -> RunOutcome:
    """The main job on one workbook: validate, write the marked copy and the JSON findings into ``out_dir``, and
    the DOCX when there are no errors.  Outputs of an earlier run in ``out_dir`` are replaced (kept as .bak).
    ``previous`` (last year's workbook) adds the cross-year rules, as in :func:`check`."""
    import json
    from pathlib import Path

    from .fileio import atomic_write

    src = Path(src)
    out = Path(out_dir)
    result = check(src, previous)
    docx = out / f"{src.stem}.docx"
    findings_json = out / f"{src.stem}_校验结果.json"
    marked = marked_path(src, out)
    written = [marked, findings_json] + ([docx] if result.ok else [])  # what this run writes
    replaced = [p for p in written if p.exists()]  # an earlier run's outputs: replaced, each kept as .bak
    checked = mark(src, marked, result=result)
    text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    atomic_write(findings_json, lambda p: Path(p).write_text(text, encoding="utf-8"), overwrite=True)
    outcome = RunOutcome(result=result, checked=checked, findings_json=findings_json, replaced=replaced)
    if result.ok:
        outcome.docx = produce_report(result, docx, overwrite=True)
    return outcome


def marked_path(src, out_dir) -> Path:
    """Where :func:`run` puts the marked copy of ``src``: ``out_dir/<name>_校验.<suffix>``."""
    from pathlib import Path

    src = Path(src)
    return Path(out_dir) / f"{src.stem}_校验{src.suffix}"


def mark(src, out, previous=None, *, result=None) -> Path:
    """Write the marked copy of workbook ``src`` to ``out`` (as ``write_validated_copy`` does: an older copy there
    is replaced): problem cells coloured and commented, and the 校验结果 sheet.  ``result``: its validation, when already done (else validated here, with
    the cross-year rules against ``previous`` as in :func:`check`)."""
    from pathlib import Path

    from .validation.writeback import write_validated_copy

    if result is None:
        result = check(src, previous)
    path, _ = write_validated_copy(src, result, out, overwrite=True)
    return Path(path)


class NewBook(Record):
    """What :func:`new_book` wrote: the workbook and the carry-over cells it prefilled from last year's;
    ``removed_chars``: characters XML cannot hold (a pasted vertical tab…) removed from the texts written."""

    _fields = ("path", "carried", "removed_chars")

    def __init__(self, path: Path, carried: list[str] | None = None, removed_chars: int = 0):
        self.path = path
        self.carried = [] if carried is None else carried
        self.removed_chars = removed_chars


#: Why :func:`new_book` needs an agency, unless the caller says it in its own terms.
NO_AGENCY = "请指定机关名称（全称），或从上一年度工作簿带入"


def new_book(out, year: int, agency: str | None = None, *, previous=None, variants=(), overwrite: bool = False,
             meta=None, narrative=None, macros: bool = False, no_agency: str = NO_AGENCY) -> NewBook:
    """Write a blank workbook for reporting ``year`` to ``out`` (format chosen by year; ``None``: the default file
    name in the current folder).  ``previous`` (last year's workbook, a path) pre-fills the basic information and
    the carry-over cells; ``agency`` overrides the agency name it carries; ``meta`` / ``narrative`` (by spec key)
    fill 基本信息 / 正文 over what was carried.  ``macros``: the .xlsm with the 校验/生成报告 buttons (needs
    xlwings).  Raises :class:`XlsheetError` (``no_agency``) when no agency is given or carried."""
    from pathlib import Path

    from .errors import XlsheetError
    from .workbook.create import default_filename, new_workbook

    prefill = {}
    if previous is not None:
        from .carryover import prefill_from_previous

        prefill = prefill_from_previous(previous, year)
    carried_agency = prefill.pop("agency", None)
    agency = agency or carried_agency
    if not agency:
        raise XlsheetError(no_agency)
    variants = list(variants) or prefill.pop("variants", [])
    prefill.pop("variants", None)
    # the agency given wins over the one carried in last year's 基本信息 (it is what the caller asked for)
    prefill["meta"] = {**prefill.get("meta", {}), "agency": agency, **(meta or {})}
    if narrative:
        prefill["narrative"] = dict(narrative)
    out = Path(out) if out is not None else Path(default_filename(year, agency))
    if macros:
        from .excel.build import new_macro_workbook as write
    else:
        write = new_workbook
    path = write(out, year, agency, variants=variants, overwrite=overwrite, **prefill)
    from .textsafe import count_illegal

    return NewBook(path=path, carried=[k for k in prefill.get("values", {}) if k.startswith("t3.carry")],
                   removed_chars=count_illegal(agency, prefill))


class CountyOutcome(Record):
    """What :func:`county` produced: the roll-up (its ``summary()``), its workbook, and the county's DOCX or, when
    the rolled-up workbook still has errors (typically the county's own narrative is blank), the refusal and, when
    asked for, the draft (forced, marked 草稿 on every page)."""

    _fields = ("rollup", "workbook", "result", "docx", "refused", "draft")

    def __init__(self, rollup: object, workbook: Path, result: object, docx: Path | None = None,
                 refused: str | None = None, draft: Path | None = None):
        self.rollup = rollup
        self.workbook = workbook
        self.result = result
        self.docx = docx
        self.refused = refused
        self.draft = draft


def county(paths, out_dir, *, year: int | None = None, agency: str = "汇总", meta=None, narrative=None,
           draft: bool = False) -> CountyOutcome:
    """The county office's job: roll up the unit workbooks ``paths`` (only passed ones are summed, the rest listed)
    into ``out_dir/汇总.xlsx`` — its 基本信息 / 正文 filled from ``meta`` / ``narrative`` (by spec key) — and, when
    that workbook validates, its DOCX ``out_dir/汇总.docx``; otherwise, with ``draft``, ``out_dir/汇总_草稿.docx``."""
    from pathlib import Path

    from .errors import ReportBlockedError

    out = Path(out_dir)
    roll = _rollup(paths, out / "汇总.xlsx", year=year, agency=agency, meta=meta, narrative=narrative)
    result = check(roll.output)
    outcome = CountyOutcome(rollup=roll, workbook=Path(roll.output), result=result)
    try:
        outcome.docx = produce_report(result, out / "汇总.docx", overwrite=True, hint=HINT_WEB)
    except ReportBlockedError as exc:
        outcome.refused = str(exc)
        if draft:
            outcome.draft = produce_report(result, out / "汇总_草稿.docx", overwrite=True, force=True)
    return outcome


def _rollup(paths, output, **kwargs):
    from .county import rollup

    return rollup(paths, output, overwrite=True, **kwargs)
