"""Route modules and what they share: reading an upload (CSRF, size), file downloads, the findings view."""
from __future__ import annotations

import json
import shutil
from urllib.parse import quote

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse

from ..middleware import too_large
from ..security import csrf_ok

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: The report's other forms, by URL suffix.
REPORT_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def service(request):
    return request.app.state.service


def client(request) -> str:
    return request.client.host if request.client else "?"


async def form(request, *, csrf: bool = True):
    """The posted form; 403 unless it carries the session's CSRF token."""
    data = await request.form(max_files=2, max_fields=50)
    if csrf and not csrf_ok(request.session, data.get("csrf")):
        raise HTTPException(403, "页面已过期或来源不明（CSRF 校验失败），请返回上一页刷新后重试。")
    return data


async def upload(data, request, field: str = "file") -> tuple[bytes, str]:
    """(content, original file name) of the form's file field; 400 when missing or empty, 413 when too big."""
    item = data.get(field)
    if not isinstance(item, UploadFile) or not item.filename:
        raise HTTPException(400, "请选择要上传的文件。")
    limit = request.app.state.settings.max_upload
    content = await item.read(limit + 1)
    if len(content) > limit:
        raise HTTPException(413, too_large(limit))
    if not content:
        raise HTTPException(400, f"“{item.filename}”是空文件（0 字节），可能保存或拷贝未完成。请在 Excel 或 WPS 中"
                                 "重新保存后再上传。")
    return content, item.filename


async def ingest(request, *, source: str, uploader: str, unit_id: int | None = None) -> dict:
    """The one upload path of every form: CSRF, size, keep, check in a worker, record; returns the submission."""
    data = await form(request)
    content, filename = await upload(data, request)
    return await run_in_threadpool(service(request).ingest, content, filename, source=source, uploader=uploader,
                                   unit_id=unit_id)


def download(path, filename: str, media_type: str, *, cleanup=None) -> FileResponse:
    """A file as an attachment under ``filename`` (UTF-8 name per RFC 6266, ASCII fallback)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    background = BackgroundTask(shutil.rmtree, cleanup, ignore_errors=True) if cleanup else None
    return FileResponse(path, media_type=media_type, headers={"content-disposition": disposition},
                        background=background)


def stem(filename: str) -> str:
    return filename.rsplit(".", 1)[0] if "." in filename else filename


def grouped(result: dict | None) -> list[tuple[str, list]]:
    """The 校验结果 sheet's rows (errors first, workbook sheet order, blanks of a column as one row), in sections
    per sheet in order of first appearance."""
    if not result:
        return []
    from ...validation.result_table import dict_entries

    groups: dict[str, list] = {}
    for e in dict_entries(result):
        groups.setdefault(e.location.sheet if e.location else "整体", []).append(e)
    return list(groups.items())


def submission_view(row: dict) -> dict:
    result = row.get("result")
    if result is None and row.get("result_json"):
        result = json.loads(row["result_json"])
    return {"sub": row, "result": result, "groups": grouped(result)}


async def blocking(fn, *args, **kwargs):
    return await run_in_threadpool(fn, *args, **kwargs)
