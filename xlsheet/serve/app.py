"""The ASGI application: :func:`create_app` wires settings, the :class:`~.service.Service`, middleware, the
templates (package data, Chinese, no JavaScript, no external resource) and the routes of ``routes/``."""
from __future__ import annotations

import time
from contextlib import asynccontextmanager
from importlib import resources

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .middleware import BodyLimit, SecurityHeaders
from .security import RateLimit, csrf_token
from .service import Service, Settings

SEVERITY = {"error": "错误", "warning": "警告"}


#: China has one time zone; the server's own (often UTC on a virtual machine) would show 02:59 for 10:59.
BEIJING = 8 * 3600


def _localtime(ts) -> str:
    """A stored UTC timestamp as Beijing time (UTC+8), whatever the server's time zone."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts + BEIJING)) if ts else ""


def back_link(path: str, status: int) -> tuple[str, str]:
    """Where an error page sends its reader back to: a clerk's own page for an error under their unit link
    (unless the link itself is what failed: 404), the dashboard under /admin, else the home page."""
    parts = path.split("/")
    if len(parts) > 3 and parts[1] == "u" and parts[2] and status != 404:
        return f"/u/{parts[2]}", "返回本单位页面"
    if parts[1:2] == ["admin"] and status != 404:
        return "/admin", "返回汇总看板"
    return "/", "返回首页"


def error_page(env: Environment, message: str, path: str, status: int, **context) -> str:
    """The error page (error.html, within the site's header and footer) for ``message`` met at ``path``."""
    href, label = back_link(path, status)
    context.setdefault("admin", None)
    context.setdefault("csrf", "")
    return env.get_template("error.html").render(message=message, back_href=href, back_label=label, **context)


def templates() -> Environment:
    env = Environment(loader=PackageLoader("xlsheet.serve", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["localtime"] = _localtime
    env.globals["severity"] = SEVERITY
    from .service import pdf_available

    env.globals["pdf_available"] = pdf_available()  # LibreOffice is looked for once, at start-up
    return env


def render(request, name: str, status: int = 200, **context) -> HTMLResponse:
    env = request.app.state.templates
    context.update(request=request, csrf=csrf_token(request.session),
                   admin=request.session.get("admin"))
    return HTMLResponse(env.get_template(name).render(**context), status_code=status)


async def _style(request):
    css = resources.files("xlsheet.serve").joinpath("static/style.css").read_bytes()
    return Response(css, media_type="text/css", headers={"cache-control": "public, max-age=3600"})


def _wants_json(request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


async def _http_error(request, exc: HTTPException):
    detail = exc.detail if isinstance(exc.detail, str) else "请求无效"
    if exc.status_code == 404 and detail == "Not Found":
        detail = "页面不存在，或链接已失效（请向政务公开办索取新链接）。"
    if exc.status_code == 405:
        detail = "不支持该请求方式。"
    if _wants_json(request):
        return JSONResponse({"error": detail}, status_code=exc.status_code, headers=exc.headers)
    href, label = back_link(request.url.path, exc.status_code)
    return render(request, "error.html", status=exc.status_code, message=detail, back_href=href, back_label=label)


async def _server_error(request, exc):
    message = "服务器内部错误，请稍后重试；如反复出现，请联系信息中心。"
    if _wants_json(request):
        return JSONResponse({"error": message}, status_code=500)
    return HTMLResponse(f"<!doctype html><meta charset=utf-8><title>错误</title><p>{message}</p>", status_code=500)


def create_app(settings: Settings | None = None, *, data=None, db=None) -> Starlette:
    """The service for ``settings`` (or a data directory / database URL with the defaults)."""
    from .routes import admin, api, clerk, public

    if settings is None:
        settings = Settings(data=data, db=db)
    service = Service(settings)

    @asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:
            service.close()

    routes = [Route("/static/style.css", _style), *public.routes, *clerk.routes, *admin.routes, *api.routes]
    env = templates()
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, limit=settings.max_upload + 64 * 1024, shown=settings.max_upload,  # + multipart overhead
                   page=lambda message, path: error_page(env, message, path, 413)),
        Middleware(SessionMiddleware, secret_key=service.store.secret(), session_cookie="xlsheet_session",
                   max_age=8 * 3600, same_site="lax", https_only=settings.secure_cookie),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={HTTPException: _http_error, 500: _server_error})
    app.state.service = service
    app.state.settings = settings
    app.state.templates = env
    app.state.login_limit = RateLimit()
    return app
