"""What keeps the page's server to this machine and this run.

- Loopback only: the server binds 127.0.0.1 (commands/web.py); a request whose Host header is
  not this server's (127.0.0.1:PORT or localhost:PORT) is refused, which stops DNS rebinding.
- A random per-run token: every HTTP request and WebSocket upgrade carries it (`?token=` or the
  `X-Closer-Token` header), else 403. The page gets it from the URL it was opened at.
- A WebSocket upgrade whose Origin is not this server's is refused (another site's page in the
  same browser could otherwise open it).
- Request bodies over `WebSettings.max_body_bytes` get 413 before they are read.
- Every HTTP answer carries a Content-Security-Policy that allows only this origin, so the page
  can load nothing from elsewhere and send nothing elsewhere.

The checks are pure functions over header values; `Guard` is the ASGI middleware applying them.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

_LOGGER = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

TOKEN_HEADER = "x-closer-token"
LOOPBACK_NAMES = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class WebSettings:
    port: int  # the port the server listens on (after --port 0 picked one)
    token: str  # the per-run secret in the URL
    max_body_bytes: int = 256 * 1024  # HTTP request bodies (a pasted job ad and resume)
    max_ws_message_bytes: int = 256 * 1024  # one WebSocket message (a mic block is ~8 KB)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_ok(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())


def host_ok(host: str | None, port: int) -> bool:
    """The Host header names this server: 127.0.0.1:PORT or localhost:PORT."""
    if not host:
        return False
    return host.strip().lower() in {f"{name}:{port}" for name in LOOPBACK_NAMES}


def origin_ok(origin: str | None, port: int) -> bool:
    """A WebSocket's Origin is this server's page (http://127.0.0.1:PORT or localhost)."""
    if not origin:
        return False
    return origin.strip().lower() in {f"http://{name}:{port}" for name in LOOPBACK_NAMES}


def content_security_policy(port: int) -> str:
    sockets = " ".join(f"ws://{name}:{port}" for name in LOOPBACK_NAMES)
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        f"connect-src 'self' {sockets}",
        "worker-src 'self'",
        "font-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ])


def security_headers(port: int) -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", content_security_policy(port).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cache-control", b"no-store"),
    ]


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _query_token(scope: Scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return values[0] if values else None


def refusal(scope: Scope, settings: WebSettings) -> tuple[int, str] | None:
    """(status, one sentence) when this request or upgrade must be refused, else None (pure)."""
    headers = _headers(scope)
    if not host_ok(headers.get("host"), settings.port):
        return 403, "This server answers only requests addressed to 127.0.0.1 or localhost."
    if scope["type"] == "websocket" and not origin_ok(headers.get("origin"), settings.port):
        return 403, "Only closer's own page may open its drill socket."
    given = _query_token(scope) or headers.get(TOKEN_HEADER)
    if not token_ok(given, settings.token):
        return 403, "This link has no valid token: open the address closer web printed."
    length = headers.get("content-length")
    if length is not None:
        try:
            too_big = int(length) > settings.max_body_bytes
        except ValueError:
            return 400, "The request's Content-Length is not a number."
        if too_big:
            return 413, f"Requests are limited to {settings.max_body_bytes} bytes."
    return None


class Guard:
    """ASGI middleware: refuses what `refusal` names, adds `security_headers` to HTTP answers,
    and caps a streamed (chunked) body at the same limit."""

    def __init__(self, app: Callable[..., Awaitable[None]], settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        refused = refusal(scope, self.settings)
        if refused is not None:
            status, sentence = refused
            _LOGGER.info("refused %s %s: %s", scope["type"], scope.get("path"), sentence)
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": sentence[:120]})
                return
            await self._plain(send, status, sentence)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        extra = security_headers(self.settings.port)
        limit = self.settings.max_body_bytes
        seen = 0

        async def capped_receive() -> MutableMapping[str, Any]:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge()
            return message

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, capped_receive, send_with_headers)
        except _TooLarge:
            await self._plain(send, 413, f"Requests are limited to {limit} bytes.")

    async def _plain(self, send: Send, status: int, sentence: str) -> None:
        body = (sentence + "\n").encode()
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            *security_headers(self.settings.port)]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass
