"""The service object the routes call: settings, the store and the limited worker pool, and the few operations
that combine them (store an upload → run a :mod:`worker` task → record the outcome).  Everything here is blocking;
routes call it from a thread (``run_in_threadpool``) so the event loop stays free."""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..isolation import IsolatedFailure, LimitedPool, run_isolated
from . import worker
from .store import Store, new_key

MB = 1024 * 1024


@dataclass
class Settings:
    data: Path
    db: str | None = None
    max_upload: int = 20 * MB
    workers: int = 2
    secure_cookie: bool = False
    memory_mb: int = 1024
    cpu_seconds: int = 60
    timeout: float = 90.0


def display_name(filename: str | None) -> str:
    """The user's file name for display and downloads only (never a path): last component, no control
    characters, at most 120 characters — a longer one keeps its beginning and its end (the extension) around
    an ellipsis, so that what was cut shows."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip() or "工作簿.xlsx"
    return name if len(name) <= 120 else name[:80] + "…" + name[-39:]


#: Imported once by the forkserver, so that every worker (including one replacing a killed worker) starts warm.
PRELOAD = ["xlsheet.serve.worker", "xlsheet.jobs", "xlsheet.workbook.reader", "xlsheet.validation.engine",
           "xlsheet.validation.writeback", "xlsheet.docx.render", "xlsheet.workbook.create", "openpyxl", "docx"]


class Service:
    def __init__(self, settings: Settings):
        import multiprocessing

        if "forkserver" in multiprocessing.get_all_start_methods():
            multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
        self.settings = settings
        self.store = Store(settings.data, settings.db)
        self.pool = LimitedPool(settings.workers, memory_mb=settings.memory_mb, cpu_seconds=settings.cpu_seconds,
                                timeout=settings.timeout)
        # start every worker now (not on the first uploads, which would wait for the forks); not waited for
        self._warming = [self.pool.submit(worker.ping) for _ in range(settings.workers)]

    def close(self) -> None:
        self.pool.close()
        self.store.close()

    def _run(self, fn, *args, blob: Path | None = None, display: str = "") -> dict:
        """A worker task; an isolation failure becomes an error dict like the task's own."""
        try:
            out = self.pool.call(fn, *args)
        except IsolatedFailure:
            # A dying worker takes the shared pool down with it, and with it other requests' tasks.  Run the task
            # once more in a worker of its own: an innocent task now succeeds, only the real culprit is refused.
            s = self.settings
            try:
                out = run_isolated(fn, *args, memory_mb=s.memory_mb, cpu_seconds=s.cpu_seconds, timeout=s.timeout)
            except IsolatedFailure as exc:
                out = {"error": str(exc), "code": 2}
        if blob is not None and out.get("error"):
            out["error"] = out["error"].replace(blob.name, display)  # the stored name means nothing to the user
        return out

    def ingest(self, content: bytes, filename: str, *, source: str, uploader: str, unit_id: int | None = None,
               full: bool = True) -> dict:
        """Keep the upload, check it in a worker (``full``: also the marked copy and, when clean, the DOCX) and
        record the submission.  Returns the submission row (with ``result`` decoded)."""
        display = display_name(filename)
        sha, blob = self.store.put_blob(content, display)
        key = new_key()
        if full:
            previous = None
            if unit_id is not None:  # the unit's passed workbooks of earlier years: the cross-year rules
                previous = {year: str(self.store.blob_path(row["sha256"], _suffix(row)))
                            for year, row in self.store.passed_by_year(unit_id).items()}
            out = self._run(worker.process, str(blob), str(self.store.derived_dir(key)), display, previous,
                            blob=blob, display=display)
        else:
            out = self._run(worker.validate, str(blob), display, blob=blob, display=display)
        result = out.get("result")
        row = dict(key=key, unit_id=unit_id, source=source, sha256=sha, filename=display, uploader=uploader[:255],
                   status="unreadable", errors=0, warnings=0, message=out.get("error"),
                   marked=out.get("marked"), docx=out.get("docx"))
        if result:
            row.update(status="passed" if result["summary"]["errors"] == 0 else "errors", year=result["year"],
                       format=result["format"], agency=(result["agency"] or "")[:255],
                       errors=result["summary"]["errors"], warnings=result["summary"]["warnings"],
                       result_json=json.dumps(result, ensure_ascii=False))
        row = self.store.add_submission(blob=blob, **row)
        row["result"] = result
        return row

    def report_once(self, content: bytes, filename: str, uploader: str) -> tuple[dict, Path | None]:
        """The API's report: keep and record the upload; returns (worker output, DOCX path or None)."""
        row = self.ingest(content, filename, source="api", uploader=uploader)
        if row["docx"]:
            return row, self.store.derived_dir(row["key"]) / row["docx"]
        return row, None

    def derived(self, row: dict, kind: str) -> Path | None:
        name = row.get(kind)
        return self.store.derived_dir(row["key"]) / name if name else None

    def marked_copy(self, row: dict) -> tuple[Path | None, str | None]:
        """The marked workbook copy of a submission, written in a worker on its first download (from the kept
        upload and the previous-year workbook used at upload, so it is the copy the upload would have made).
        Returns (path, None) or (None, Chinese reason)."""
        path = self.derived(row, "marked")
        if path is None:
            return None, "这次上传没有带标记的副本（文件无法读取）。"
        if not path.exists():
            inputs = path.parent / worker.INPUTS
            name = json.loads(inputs.read_text(encoding="utf-8"))["previous"] if inputs.exists() else None
            previous = None
            if name and re.fullmatch(r"[0-9a-f]{64}\.xls[xm]", name):  # our own record, checked all the same
                previous = str(self.store.blob_path(name[:64], name[64:]))
            blob = self.store.blob_path(row["sha256"], _suffix(row))
            out = self._run(worker.mark, str(blob), str(path), previous, blob=blob, display=row["filename"])
            if out.get("error"):
                return None, out["error"]
        return path, None

    def rendition(self, row: dict, kind: str) -> tuple[Path | None, str | None]:
        """The HTML or PDF report of a passed submission, rendered in a worker on first request and kept beside its
        DOCX (later requests are served from disk).  Returns (path, None) or (None, Chinese reason)."""
        if not row.get("docx"):
            return None, f"工作簿还有 {row['errors']} 个错误，未生成报告。请改正后重新上传。"
        blob = self.store.blob_path(row["sha256"], _suffix(row))
        return self._render_once(blob, self.store.derived_dir(row["key"]) / f"report.{kind}", kind, row["filename"])

    def county_rendition(self, out: dict, kind: str) -> tuple[Path | None, str | None]:
        """The HTML or PDF of a roll-up's county report (only when its DOCX was made), as :meth:`rendition`."""
        if not out.get("docx"):
            return None, "汇总工作簿还有错误，未生成本级报告。"
        folder = self.store.derived_dir(out["key"])
        return self._render_once(folder / out["workbook"], folder / f"county.{kind}", kind, out["workbook"])

    def _render_once(self, src: Path, path: Path, kind: str, display: str) -> tuple[Path | None, str | None]:
        if kind == "pdf" and not pdf_available():
            from ..docx.pdf import NOT_INSTALLED

            return None, NOT_INSTALLED
        if not path.exists():
            out = self._run(worker.render, str(src), str(path), kind, blob=src, display=display)
            if out.get("error"):
                return None, out["error"]
        return path, None

    def blank_book(self, unit: dict, year: int) -> tuple[dict, Path | None]:
        """A new workbook for ``unit`` and ``year``: agency = the unit's roster name; carry-over from the unit's
        last passed submission of the year before, when there is one."""
        prev = self.store.passed_by_year(unit["id"]).get(year - 1)
        previous = str(self.store.blob_path(prev["sha256"], _suffix(prev))) if prev else None
        tmp = self.store.tmp_dir()
        out = tmp / "book.xlsx"
        res = self._run(worker.new_book, str(out), year, unit["name"], previous)
        res["carried"] = bool(prev)
        if res.get("error"):
            shutil.rmtree(tmp, ignore_errors=True)
            return res, None
        return res, out  # the route removes the folder once the download is sent

    def county(self, year: int, agency: str | None = None) -> dict:
        """Roll up every unit's latest submission for ``year`` (the library sums only passed ones and lists the
        rest) into a derived folder, its 基本信息 / 正文 filled from the county's saved texts for the year (the
        agency: ``agency``, else the saved one, else 汇总); the DOCX when it validates, else a 草稿 DOCX.  Returns
        the worker output plus ``key`` and the units that sent nothing."""
        from .county import prefill

        meta, narrative = prefill(year, self.store.county_info(year))
        agency = agency or meta.get("agency") or "汇总"
        meta["agency"] = agency
        rows = self.store.dashboard(year)
        key = new_key()
        folder = self.store.derived_dir(key)
        inputs = folder / "units"
        folder.mkdir(mode=0o700)
        inputs.mkdir(mode=0o700)
        paths, labels = [], {}
        for u in rows:
            s = u["last"]
            if s is None:
                continue
            # numbered copies: the roll-up's 汇总情况 sheet names each file; the name is ours, not the user's
            target = inputs / f"{len(paths) + 1:03d}_unit{u['id']}{_suffix(s)}"
            shutil.copyfile(self.store.blob_path(s["sha256"], _suffix(s)), target)
            paths.append(str(target))
            labels[target.name] = u["name"]
        missing = [u["name"] for u in rows if u["last"] is None]
        if not paths:
            return {"error": "还没有任何单位提交该年度的工作簿，无法汇总。", "code": 2, "missing": missing, "key": key}
        out = self._run(worker.county, paths, str(folder), year, agency, meta, narrative)
        out.update(key=key, missing=missing, labels=labels)
        (folder / "outcome.json").write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
        return out

    def county_outcome(self, key: str) -> dict | None:
        path = self.store.derived_dir(key) / "outcome.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def roster_names(self, content: bytes, filename: str) -> dict:
        """Unit names from an uploaded .csv (UTF-8 or GBK; first column) or .xlsx list (read in a worker)."""
        name = display_name(filename).lower()
        if name.endswith(".csv") or name.endswith(".txt"):
            import csv
            import io

            for enc in ("utf-8-sig", "gb18030"):
                try:
                    text = content.decode(enc)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                return {"error": "无法识别名单文件的编码，请另存为 UTF-8 的 CSV 或 .xlsx", "code": 2}
            names = [row[0].strip() for row in csv.reader(io.StringIO(text)) if row and row[0].strip()]
            return {"names": names}
        tmp = self.store.tmp_dir() / "roster.xlsx"
        tmp.write_bytes(content)
        try:
            return self._run(worker.roster, str(tmp))
        finally:
            shutil.rmtree(tmp.parent, ignore_errors=True)


def pdf_available() -> bool:
    """Whether LibreOffice is installed here (PDF reports need it)."""
    from ..docx.pdf import soffice

    return soffice() is not None


HEADER_NAMES = {"单位名称", "单位", "名称", "机关名称", "unit", "name"}


def roster_clean(names: list[str]) -> list[str]:
    """Drop a header cell and anything that is not a plausible unit name."""
    out = [n for n in names if n and n.strip().lower() not in HEADER_NAMES]
    return [n.strip()[:200] for n in out if not n.strip().startswith(("=", "+", "@"))]


def _suffix(row: dict) -> str:
    return ".xlsm" if row["filename"].lower().endswith(".xlsm") else ".xlsx"
