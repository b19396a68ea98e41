"""The clerk's pages under ``/u/{token}``: the unit sees only its own uploads; no account needed."""
from __future__ import annotations

import datetime

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Route

from ..app import render
from . import XLSX, blocking, client, download, ingest, service
from .public import findings

GONE = "单位链接无效或已被收回，请向政务公开办索取新链接。"


def unit_of(request) -> dict:
    token = request.path_params["token"]
    unit = service(request).store.unit_by_token(token) if len(token) <= 64 else None
    if unit is None:
        raise HTTPException(404, GONE)
    return unit


def default_year() -> int:
    return datetime.date.today().year - 1


async def page(request):
    unit = unit_of(request)
    history = service(request).store.unit_submissions(unit["id"])
    year = default_year()
    return render(request, "unit.html", unit=unit, history=history, year=year,
                  years=list(range(year + 1, 2018, -1)))


async def blank(request):
    unit = unit_of(request)
    try:
        year = int(request.query_params.get("year", default_year()))
    except ValueError:
        raise HTTPException(400, "年度应为四位数字，如 2025。") from None
    res, path = await blocking(service(request).blank_book, unit, year)
    if path is None:
        raise HTTPException(422, res["error"])
    from ...workbook.create import default_filename

    return download(path, default_filename(year, unit["name"]), XLSX, cleanup=path.parent)


async def submit(request):
    unit = unit_of(request)
    row = await ingest(request, source="unit", unit_id=unit["id"], uploader=f"单位链接 {client(request)}")
    return RedirectResponse(f"/u/{unit['token']}/s/{row['key']}", status_code=303)


async def unit_findings(request):
    return await findings(request, unit=unit_of(request))


routes = [
    Route("/u/{token}", page),
    Route("/u/{token}/blank", blank),
    Route("/u/{token}/upload", submit, methods=["POST"]),
    Route("/u/{token}/s/{key}", unit_findings),
]
