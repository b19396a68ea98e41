"""The workflows, each written once: check a workbook, produce the report, run both.

The CLI, the Excel entry points and the web service are thin layers over these functions: they parse their
input, call one of them and render what comes back.  Every function raises :class:`~xlsheet.errors.XlsheetError`
subclasses for bad input (a complete Chinese message) and never prints.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import ReportBlockedError

#: What a refused report tells each kind of user to do next.
HINT_CLI = "请改正后再生成；如确需先出草稿，可加 --force。"
HINT_EXCEL = "请先点击“校验”查看并改正。"
HINT_WEB = "请改正后重新上传。"


def check(source, previous=None):
    """Read and validate ``source`` (a path or an already read :class:`~xlsheet.report.Report`); ``previous``
    (path or Report) adds the cross-year rules.  Returns the validation ``Result``."""
    from .report import Report
    from .validation.engine import validate
    from .workbook.reader import read

    report = source if isinstance(source, Report) else read(source)
    prev = None
    if previous is not None:
        prev = previous if isinstance(previous, Report) else read(previous)
    return validate(report, previous=prev)


def refusal(result, hint: str) -> str:
    """The message when errors block the report: how many, the first 15, and what to do (``hint``)."""
    from .validation.findings import SEVERITY_LABEL

    shown = "\n".join(f"  {SEVERITY_LABEL[f.severity]} {f.address or ''} {f.message}" for f in result.errors[:15])
    more = f"\n  ……另有 {len(result.errors) - 15} 个错误" if len(result.errors) > 15 else ""
    return f"工作簿还有 {len(result.errors)} 个错误，未生成报告：\n{shown}{more}\n{hint}"


def default_report_path(src) -> Path:
    """Where the DOCX of workbook ``src`` goes by default: beside it, same name (a ``_校验`` copy maps back)."""
    src = Path(src)
    return src.with_name(src.stem.removesuffix("_校验") + ".docx")


def produce_report(result, out, *, force: bool = False, overwrite: bool = False, chart: bool = True,
                   hint: str = HINT_CLI) -> Path:
    """Write the DOCX of a validated ``result`` to ``out`` atomically.  Refuses (:class:`ReportBlockedError`,
    exit code 1) while errors remain unless ``force``; never replaces ``out`` without ``overwrite`` (and then
    keeps a backup)."""
    from .docx.render import render_docx
    from .fileio import atomic_write

    if result.errors and not force:
        raise ReportBlockedError(refusal(result, hint))
    out = Path(out)
    atomic_write(out, lambda tmp: render_docx(result.report, tmp, chart=chart), overwrite=overwrite)
    return out


def report(src, out=None, *, force: bool = False, overwrite: bool = False, chart: bool = True):
    """Check workbook ``src`` and write its DOCX (default: beside it).  Returns (path, result)."""
    result = check(src)
    path = produce_report(result, out or default_report_path(src), force=force, overwrite=overwrite, chart=chart)
    return path, result


@dataclass
class RunOutcome:
    """What :func:`run` produced: the result and the files written (``docx`` is None when refused)."""

    result: object
    checked: Path
    findings_json: Path
    docx: Path | None = None
    replaced: list[Path] = field(default_factory=list)


def run(src, out_dir) -> RunOutcome:
    """The main job on one workbook: validate, write the marked copy and the JSON findings into ``out_dir``, and
    the DOCX when there are no errors.  Outputs of an earlier run in ``out_dir`` are replaced (kept as .bak)."""
    import json

    from .fileio import atomic_write
    from .validation.writeback import write_validated_copy

    src = Path(src)
    out = Path(out_dir)
    result = check(src)
    checked, _ = write_validated_copy(src, result, out / f"{src.stem}_校验{src.suffix}")
    findings_json = out / f"{src.stem}_校验结果.json"
    text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    atomic_write(findings_json, lambda p: Path(p).write_text(text, encoding="utf-8"), overwrite=True)
    outcome = RunOutcome(result=result, checked=checked, findings_json=findings_json)
    if result.ok:
        outcome.docx = produce_report(result, out / f"{src.stem}.docx", overwrite=True)
    return outcome
