"""Browser-facing protections: CSRF tokens on every state-changing request, security headers, cookies.

The REST API under /api/v1 authenticates with bearer tokens (no ambient cookie), so it needs no
CSRF token; every other POST/PUT/PATCH/DELETE must carry the session's token, as the form field
`csrf_token` or, for htmx requests, the `X-CSRF-Token` header (set by static/js/app.js).
"""

from __future__ import annotations

import hmac
import os
import secrets
from datetime import timedelta
from typing import Any

from flask import Flask, Response, render_template, request, session
from flask_babel import gettext as _

CSRF_SESSION_KEY = "_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
EXEMPT_PREFIXES = ("/api/",)
SESSION_HOURS = 10

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'self'",
    "form-action 'self'", "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def csrf_token() -> str:
    token = session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_SESSION_KEY] = token
    return token


def _csrf_refusal() -> Any:
    message = _("This form has expired or did not come from this site (missing or wrong security token). "
                "Reload the page and try again.")
    return render_template("error.html", status=400, title=_("Request refused"), message=message), 400


def _check_csrf() -> Any:
    if request.method not in UNSAFE_METHODS or request.path.startswith(EXEMPT_PREFIXES):
        return None
    expected = session.get(CSRF_SESSION_KEY)
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) or ""
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), sent.encode()):
        return _csrf_refusal()
    return None


def _add_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html" and "person_id" in session:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def secure_cookies_wanted() -> bool:
    """`TDKT_SECURE_COOKIES=1` when the site is served over HTTPS (behind a TLS-terminating proxy)."""
    return os.environ.get("TDKT_SECURE_COOKIES", "").strip().lower() in ("1", "true", "yes", "on")


def session_config() -> dict[str, Any]:
    """Cookie settings for the sign-in session (applied before the caller's overrides)."""
    return {
        "SESSION_COOKIE_NAME": "tdkt_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies_wanted(),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=SESSION_HOURS),
    }


def init_security(app: Flask) -> None:
    app.before_request(_check_csrf)
    app.after_request(_add_headers)
    app.jinja_env.globals["csrf_token"] = csrf_token
