"""Plain ASGI middleware of the service: security headers on every response, and the upload size limit (413)."""
from __future__ import annotations

import json

from starlette.exceptions import HTTPException

HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # unit links carry their token in the path: never leak it to another site
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                  b"frame-ancestors 'none'; base-uri 'none'"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Adds :data:`HEADERS` to every HTTP response (static files may keep their own cache-control)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [(k, v) for k, v in HEADERS if k not in have]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised inside the app while reading an oversized streamed body; the app's error handler answers 413."""

    def __init__(self, limit: int):
        super().__init__(413, too_large(limit))


def too_large(limit: int) -> str:
    return f"上传的文件过大：不能超过 {limit / 1024 / 1024:g} MB。"


class BodyLimit:
    """Answers 413 (Chinese message) when a request body is larger than ``limit`` bytes: at once from
    Content-Length, or as soon as a streamed body passes the limit."""

    def __init__(self, app, limit: int, page, shown: int | None = None):
        # page(message, path) -> the HTML error page, with the site's header (the app's templates)
        self.app, self.limit, self.shown, self.page = app, limit, shown or limit, page

    async def _reject(self, scope, send):
        message = too_large(self.shown)
        if scope.get("path", "").startswith("/api/"):
            body, kind = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8"), b"application/json"
        else:
            body, kind = self.page(message, scope.get("path", "/")).encode("utf-8"), b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None:
            try:
                if int(length) > self.limit:
                    return await self._reject(scope, send)
            except ValueError:
                return await self._reject(scope, send)
        seen = 0
        started = False

        async def counting_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.shown)
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._reject(scope, send)
