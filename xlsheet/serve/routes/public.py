"""``GET /``: check a workbook once (anyone); the findings page and downloads of any submission by its key."""
from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ..app import render
from . import DOCX, REPORT_TYPES, XLSX, blocking, client, download, ingest, service, stem, submission_view


async def index(request):
    return render(request, "index.html")


async def check(request):
    row = await ingest(request, source="public", uploader=f"公开页面 {client(request)}")
    return RedirectResponse(f"/s/{row['key']}", status_code=303)


def load(request, key: str) -> dict:
    row = service(request).store.submission(key) if key.isalnum() else None
    if row is None:
        raise HTTPException(404, "找不到这次上传的记录（链接可能有误）。")
    return row


async def findings(request, unit=None):
    row = load(request, request.path_params["key"])
    if unit is not None and row["unit_id"] != unit["id"]:
        raise HTTPException(404, "找不到这次上传的记录（链接可能有误）。")
    from ..agency import agency_mismatch, year_note

    mismatch = year = None
    if unit is not None:  # through a unit's link: is it that unit's workbook, for the year being collected?
        mismatch = agency_mismatch(unit["name"], row.get("agency"))
        year = year_note(row.get("year"), service(request).store.campaign_year())
    return render(request, "findings.html", unit=unit, mismatch=mismatch, year_note=year, **submission_view(row))


async def marked(request):
    row = load(request, request.path_params["key"])
    path, reason = await blocking(service(request).marked_copy, row)
    if path is None:
        raise HTTPException(404, reason)
    return download(path, f"{stem(row['filename'])}_校验.{path.suffix.lstrip('.')}", XLSX)


async def docx(request):
    row = load(request, request.path_params["key"])
    path = service(request).derived(row, "docx")
    if path is None:
        raise HTTPException(409, f"工作簿还有 {row['errors']} 个错误，未生成报告。请改正后重新上传。")
    return download(path, f"{stem(row['filename'])}.docx", DOCX)


async def rendition(request):
    """The HTML page or the PDF of a passed submission (rendered in a worker on first request)."""
    row = load(request, request.path_params["key"])
    kind = request.path_params["kind"]
    if kind not in REPORT_TYPES:
        raise HTTPException(404, "没有这种文件。")
    path, reason = await blocking(service(request).rendition, row, kind)
    if path is None:
        raise HTTPException(409, reason)
    return download(path, f"{stem(row['filename'])}.{kind}", REPORT_TYPES[kind])


routes = [
    Route("/", index),
    Route("/check", check, methods=["POST"]),
    Route("/s/{key}", findings),
    Route("/s/{key}/marked", marked),
    Route("/s/{key}/docx", docx),
    Route("/s/{key}/{kind:str}", rendition),
]
