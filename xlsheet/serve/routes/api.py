"""The JSON API for scripts and other systems, mirroring the CLI: ``POST /api/validate`` answers what
``xlsheet validate --json`` prints, ``POST /api/report`` the DOCX (or 422 with the findings), ``GET /healthz``.
No session, no CSRF token: the API acts on the uploaded file only and grants no access to stored data."""
from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.routing import Route

from ...jobs import HINT_WEB
from . import DOCX, blocking, client, download, form, service, stem, upload

def _failure(row: dict) -> JSONResponse:
    return JSONResponse({"error": row["message"]}, status_code=422)


async def validate(request):
    data = await form(request, csrf=False)
    content, filename = await upload(data, request)
    row = await blocking(service(request).ingest, content, filename, source="api", full=False,
                         uploader=f"API {client(request)}")
    if row["result"] is None:
        return _failure(row)
    return JSONResponse(row["result"])


async def report(request):
    data = await form(request, csrf=False)
    content, filename = await upload(data, request)
    row, path = await blocking(service(request).report_once, content, filename, f"API {client(request)}")
    if row["result"] is None:
        return _failure(row)
    if path is None:
        return JSONResponse({"error": f"工作簿还有 {row['errors']} 个错误，未生成报告。{HINT_WEB}",
                             "findings": row["result"]}, status_code=422)
    return download(path, f"{stem(row['filename'])}.docx", DOCX)


async def healthz(request):
    svc = service(request)
    count = await blocking(svc.store.count_submissions)
    return JSONResponse({"status": "ok", "submissions": count, "schema": svc.store.schema_version(),
                         "database": svc.store.engine.dialect.name})


routes = [
    Route("/api/validate", validate, methods=["POST"]),
    Route("/api/report", report, methods=["POST"]),
    Route("/healthz", healthz),
]
