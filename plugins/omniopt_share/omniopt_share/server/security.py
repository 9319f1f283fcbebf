"""Who is asking, and is the request allowed: tokens, sessions, CSRF, headers.

- The upload API takes a token only from the ``Authorization: Bearer`` header,
  never from the URL, and ignores cookies, so a cross-site page cannot use it.
- Browser pages use a session cookie (HttpOnly, SameSite=Strict); every form
  that changes something carries a CSRF token bound to the session, and a
  request whose ``Origin`` is another site is refused.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from omniopt_share.server.store import ShareStore, User

SESSION_COOKIE = "oos_session"
LOGIN_CSRF_COOKIE = "oos_login_csrf"

# Plotly's WebGL traces compile code at run time, hence 'unsafe-eval'; no inline script is allowed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # Run links are capabilities: never leak them to other sites through Referer
    # ("no-referrer" would also blank the Origin of our own forms).
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class SecurityHeaders:
    """ASGI middleware adding the security headers to every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


#: Largest body of a request other than a file upload (forms, JSON).
SMALL_BODY_LIMIT = 64 * 1024


class SmallBodies:
    """ASGI middleware: requests other than uploads must declare a small body.

    Forms and JSON are parsed whole, so an unbounded body (even an anonymous
    login attempt) could exhaust memory; uploads stream and have their own limit.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH") and not scope["path"].endswith("/files"):
            headers = dict(scope.get("headers") or [])
            length = headers.get(b"content-length", b"")
            problem = None
            if not length.isdigit():
                problem = (411, b'{"error": "send a Content-Length header"}')
            elif int(length) > SMALL_BODY_LIMIT:
                problem = (413, b'{"error": "request body too large"}')
            if problem:
                await send({"type": "http.response.start", "status": problem[0],
                            "headers": [(b"content-type", b"application/json"), *SECURITY_HEADERS]})
                await send({"type": "http.response.body", "body": problem[1]})
                return
        await self.app(scope, receive, send)


def bearer_user(request: Request, store: ShareStore) -> User | None:
    """The user of the upload token in the Authorization header."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return store.user_for_token(token.strip())


def session_user(request: Request, store: ShareStore) -> tuple[User, str] | None:
    """(user, csrf token) of the browser session, if logged in."""
    return store.session(request.cookies.get(SESSION_COOKIE, ""))


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another site."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        # Browsers send Origin on every cross-site POST; its absence means same site or no browser.
        return request.headers.get("origin") != "null"
    return urlsplit(origin).netloc == request.headers.get("host", "")


def csrf_ok(expected: str, given: object) -> bool:
    return isinstance(given, str) and bool(expected) and secrets.compare_digest(expected, given)


def new_csrf() -> str:
    return secrets.token_urlsafe(32)
