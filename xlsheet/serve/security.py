"""Password hashing, CSRF tokens and the login rate limit.  (Security headers and the upload size limit are ASGI
middleware: :mod:`.middleware`.)"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

# scrypt at OWASP's recommended minimum (n=2**17, r=8, p=1): 128 MB and ~0.4 s per hash on this machine; logins
# are rare, guessing is slow (and rate limited on top).  The parameters are stored with each hash.
_N, _R, _P = 2 ** 17, 8, 1
_MAXMEM = 256 * 1024 * 1024


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, maxmem=_MAXMEM)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored:
        hash_password(password)  # same cost whether or not the user exists
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        assert kind == "scrypt"
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=_MAXMEM)
    except (ValueError, AssertionError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def csrf_token(session: dict) -> str:
    """The session's CSRF token (made on first use); every form carries it in the field ``csrf``."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(24)
    return token


def csrf_ok(session: dict, submitted) -> bool:
    expected = session.get("csrf")
    return bool(expected) and isinstance(submitted, str) and hmac.compare_digest(expected, submitted)


class RateLimit:
    """At most ``attempts`` failures per ``window`` seconds per key (client address): the login limit."""

    def __init__(self, attempts: int = 5, window: float = 300.0):
        self.attempts, self.window = attempts, window
        self._fails: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque:
        q = self._fails.setdefault(key, deque())
        cutoff = time.monotonic() - self.window
        while q and q[0] < cutoff:
            q.popleft()
        return q

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key)) >= self.attempts

    def fail(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(time.monotonic())

    def reset(self, key: str) -> None:
        with self._lock:
            self._fails.pop(key, None)
