"""The county office's pages under ``/admin``: login, roster and unit links, dashboard, roll-up, DOCX zip."""
from __future__ import annotations

import datetime
import io
import zipfile

from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..app import render
from ..security import csrf_token, verify_password
from ..service import roster_clean
from . import DOCX, REPORT_TYPES, XLSX, blocking, client, download, form, ingest, service, upload


def require_admin(handler):
    async def guarded(request):
        if not request.session.get("admin"):
            return RedirectResponse("/admin/login", status_code=303)
        return await handler(request)
    guarded.__name__ = handler.__name__
    return guarded


def back(request, path: str, note: str = "") -> RedirectResponse:
    """Redirect to ``path`` after a form, with ``note`` for the next page shown (:func:`flash`).  The note travels
    in the signed session, not in the address: a link with ``?note=…`` would let anyone put words of theirs into
    the officer's green confirmation banner ("系统升级：请访问 … 重新登录")."""
    if note:
        request.session["note"] = note
    return RedirectResponse(path, status_code=303)


def flash(request) -> str | None:
    """The note :func:`back` left for this page, once."""
    return request.session.pop("note", None)


async def login_page(request):
    return render(request, "login.html")


async def login(request):
    limit = request.app.state.login_limit
    who = client(request)
    if limit.blocked(who):
        return render(request, "login.html", status=429, message="登录失败次数过多，请 5 分钟后再试。")
    data = await form(request)
    username = str(data.get("username", ""))[:64]
    stored = await blocking(service(request).store.admin_hash, username)
    if not await blocking(verify_password, str(data.get("password", "")), stored):
        limit.fail(who)
        return render(request, "login.html", status=401, message="用户名或密码不正确。")
    limit.reset(who)
    request.session.clear()  # a fresh session (and CSRF token) after login
    request.session["admin"] = username
    csrf_token(request.session)
    return RedirectResponse("/admin", status_code=303)


async def logout(request):
    await form(request)
    request.session.clear()
    return RedirectResponse("/admin/login", status_code=303)


def _year(request, svc) -> int:
    try:
        return int(request.query_params["year"])
    except (KeyError, ValueError):
        return svc.store.campaign_year() or datetime.date.today().year - 1


@require_admin
async def dashboard(request):
    svc = service(request)
    year = _year(request, svc)
    rows = await blocking(svc.store.dashboard, year)
    counts = {s: sum(1 for u in rows if u["state"] == s) for s in ("未提交", "有错误", "已通过")}
    county_agency = (await blocking(svc.store.county_info, year)).get("agency", "")
    return render(request, "dashboard.html", rows=rows, year=year, counts=counts, county_agency=county_agency,
                  missing=[u["name"] for u in rows if u["state"] == "未提交"],
                  duplicates=[u for u in rows if u["duplicates"]], mismatched=[u for u in rows if u["mismatch"]])


@require_admin
async def roster(request):
    return render(request, "roster.html", units=service(request).store.units(), note=flash(request),
                  base=str(request.base_url).rstrip("/"))


@require_admin
async def roster_import(request):
    data = await form(request)
    content, filename = await upload(data, request)
    out = await blocking(service(request).roster_names, content, filename)
    if out.get("error"):
        raise HTTPException(422, out["error"])
    added, existing = await blocking(service(request).store.add_units, roster_clean(out["names"]))
    return back(request, "/admin/roster", f"已导入 {added} 个单位（{existing} 个已在名单中）。")


@require_admin
async def roster_add(request):
    data = await form(request)
    names = roster_clean(str(data.get("names", "")).splitlines())
    added, existing = await blocking(service(request).store.add_units, names)
    return back(request, "/admin/roster", f"已添加 {added} 个单位（{existing} 个已在名单中）。")


def _unit(request) -> dict:
    unit = service(request).store.unit(request.path_params["uid"])
    if unit is None:
        raise HTTPException(404, "名单中没有这个单位。")
    return unit


#: What changing a unit's link does, said before it is done: the old link stops working at once, and the unit's
#: clerk may be in the middle of an upload with it.
_TOKEN_ACTIONS = {
    "reissue": ("换新链接", "换新链接后，该单位的旧链接立即失效，需要把新链接发给该单位的填报人。已上传的记录保留。"),
    "revoke": ("收回链接", "收回后，该单位的链接立即失效，该单位将无法再打开本单位页面或上传，直到换发新链接。已上传的记录保留。"),
}


@require_admin
async def unit_token_confirm(request):
    """The confirmation page of 换新链接 / 收回 (no script on the site: a second page, not a dialog)."""
    unit = _unit(request)
    action = request.query_params.get("action", "")
    if action not in _TOKEN_ACTIONS:
        raise HTTPException(404, "没有这种操作。")
    title, consequence = _TOKEN_ACTIONS[action]
    return render(request, "token.html", unit=unit, action=action, title=title, consequence=consequence)


@require_admin
async def unit_token(request):
    unit = _unit(request)
    data = await form(request)
    action = str(data.get("action", ""))
    if action not in _TOKEN_ACTIONS:
        raise HTTPException(400, "没有这种操作。")
    if data.get("confirm") != "yes":  # only from the confirmation page
        return RedirectResponse(f"/admin/units/{unit['id']}/token?action={action}", status_code=303)
    reissue = action == "reissue"
    await blocking(service(request).store.revoke, unit["id"], reissue)
    note = "已收回旧链接并生成新链接。" if reissue else "已收回该单位的链接，旧链接立即失效。"
    return back(request, "/admin/roster", f"{unit['name']}：{note}")


@require_admin
async def unit_edit(request):
    unit = _unit(request)
    data = await form(request)
    values = {"feedback": str(data.get("feedback", "")).strip()[:4000] or None}
    name = str(data.get("name", "")).strip()[:200]
    if name and name != unit["name"]:
        values["name"] = name
    try:
        await blocking(service(request).store.update_unit, unit["id"], **values)
    except IntegrityError:  # the unique name constraint
        raise HTTPException(409, f"名单中已有名为“{name}”的单位。") from None
    return back(request, f"/admin/units/{unit['id']}", "已保存。")


@require_admin
async def unit_page(request):
    unit = _unit(request)
    history = service(request).store.unit_submissions(unit["id"])
    return render(request, "admin_unit.html", unit=unit, history=history, note=flash(request),
                  base=str(request.base_url).rstrip("/"))


def _form_year(data) -> int:
    try:
        return int(data.get("year", ""))
    except ValueError:
        raise HTTPException(400, "年度应为四位数字。") from None


@require_admin
async def rollup(request):
    data = await form(request)
    year = _form_year(data)
    agency = str(data.get("agency", "")).strip()[:100] or None  # blank: the county's saved name
    return await _rolled_up(request, year, agency)


async def _rolled_up(request, year: int, agency: str | None, note: str = "") -> RedirectResponse:
    out = await blocking(service(request).county, year, agency)
    if out.get("error") and "summary" not in out:
        raise HTTPException(422, out["error"])
    return back(request, f"/admin/rollup/{out['key']}", note)


@require_admin
async def county_info(request):
    """Save the county's own 基本信息 / 正文 for the year, then roll up again with them."""
    from ..county import read_form

    data = await form(request)
    year = _form_year(data)
    saved, problems = read_form(year, data)
    if problems:
        raise HTTPException(422, "".join(problems))
    await blocking(service(request).store.set_county_info, year, saved, request.session["admin"])
    return await _rolled_up(request, year, None, "已保存本级基本信息和正文，并重新汇总。")


def _outcome(request) -> dict:
    key = request.path_params["key"]
    out = service(request).county_outcome(key) if key.isalnum() else None
    if out is None:
        raise HTTPException(404, "找不到这次汇总。")
    return out


@require_admin
async def rollup_page(request):
    out = _outcome(request)
    from . import grouped

    from ..county import fields

    year = out["summary"]["year"]
    return render(request, "rollup.html", out=out, groups=grouped(out.get("result")), fields=fields(year),
                  saved=service(request).store.county_info(year), note=flash(request))


@require_admin
async def rollup_file(request):
    out = _outcome(request)
    kind = request.path_params["kind"]
    if kind in REPORT_TYPES:  # the county report's HTML / PDF, rendered on first request
        path, reason = await blocking(service(request).county_rendition, out, kind)
        if path is None:
            raise HTTPException(409, reason)
        return download(path, f"{out['summary']['agency']}{out['summary']['year']}年报告.{kind}", REPORT_TYPES[kind])
    if kind not in ("workbook", "docx", "draft"):
        raise HTTPException(404, "没有这种文件。")
    name = out.get(kind)
    if not name:
        raise HTTPException(409, "汇总工作簿还有错误，未生成本级报告。请在汇总页填写本级基本信息和正文，或补全后上传。"
                            if kind == "docx" else "汇总工作簿已通过校验，没有草稿，请下载正式的本级报告。")
    path = service(request).store.derived_dir(out["key"]) / name
    year = out["summary"]["year"]
    label = {"workbook": "汇总.xlsx", "docx": "报告.docx", "draft": "报告（草稿）.docx"}[kind]
    filename = f"{out['summary']['agency']}{year}年{label}"
    return download(path, filename, XLSX if kind == "workbook" else DOCX)


@require_admin
async def county_upload(request):
    row = await ingest(request, source="county", uploader=f"政务公开办 {request.session['admin']}")
    return RedirectResponse(f"/s/{row['key']}", status_code=303)


@require_admin
async def docx_zip(request):
    svc = service(request)
    year = _year(request, svc)
    rows = await blocking(svc.store.dashboard, year)
    buf = io.BytesIO()
    n = 0
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for u in rows:
            s = u["last"]
            path = svc.derived(s, "docx") if s else None
            if path and path.exists():
                n += 1
                safe = "".join(c if c not in '\\/:*?"<>|' else "_" for c in u["name"])
                zf.write(path, f"{n:03d}_{safe}_{year}.docx")
    if not n:
        raise HTTPException(404, f"{year}年度还没有已通过的单位报告。")
    from urllib.parse import quote

    return Response(buf.getvalue(), media_type="application/zip", headers={
        "content-disposition": f"attachment; filename=\"reports_{year}.zip\"; "
                               f"filename*=UTF-8''{quote(f'{year}年各单位报告.zip')}"})


routes = [
    Route("/admin/login", login_page),
    Route("/admin/login", login, methods=["POST"]),
    Route("/admin/logout", logout, methods=["POST"]),
    Route("/admin", dashboard),
    Route("/admin/roster", roster),
    Route("/admin/roster/import", roster_import, methods=["POST"]),
    Route("/admin/roster/add", roster_add, methods=["POST"]),
    Route("/admin/units/{uid:int}", unit_page),
    Route("/admin/units/{uid:int}/token", unit_token_confirm),
    Route("/admin/units/{uid:int}/token", unit_token, methods=["POST"]),
    Route("/admin/units/{uid:int}/edit", unit_edit, methods=["POST"]),
    Route("/admin/rollup", rollup, methods=["POST"]),
    Route("/admin/rollup/{key}", rollup_page),
    Route("/admin/rollup/{key}/{kind:str}", rollup_file),
    Route("/admin/county", county_upload, methods=["POST"]),
    Route("/admin/county-info", county_info, methods=["POST"]),
    Route("/admin/docx.zip", docx_zip),
]
