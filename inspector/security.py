"""HTTP hardening for every answer: security headers, CORS for configured origins, proxy trust.

The API authenticates only from the `Authorization: Bearer` header, never from cookies, so a
forged cross-site form cannot act for a logged-in user (no CSRF surface); the app sets no cookies.
Whoever adds a cookie login must add CSRF protection with it.
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .access import limits

CORS_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
CORS_HEADERS = "Authorization, Content-Type, Idempotency-Key, Accept-Language"
CORS_EXPOSE = "Retry-After, Idempotent-Replayed, X-RateLimit-Limit, X-RateLimit-Remaining"
HSTS = "max-age=31536000; includeSubDomains"


def parse_origins(setting: str) -> frozenset[str]:
    """INSPECTOR_CORS_ORIGINS: comma-separated origins such as https://m.example.gov.cn."""
    return frozenset(o.strip().rstrip("/") for o in (setting or "").split(",") if o.strip())


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Tracking tokens travel in query strings (?token=): never leak them in a Referer.
    headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype == "application/json":
        headers.setdefault("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
    else:
        headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    # Answers for a person (phone numbers, originals) must not sit in shared caches.
    if request.headers.get("Authorization") or request.args.get("token"):
        headers.setdefault("Cache-Control", "no-store")
    return response


def _cors(app: Flask):
    allowed = parse_origins(app.config.get("CORS_ORIGINS", ""))

    def add_cors(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if not origin or origin.rstrip("/") not in allowed:
            return response
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers.add("Vary", "Origin")
        response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
            response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
        # No Allow-Credentials: the API never reads cookies, so browsers need not send them.
        return response

    return add_cors


def init_app(app: Flask) -> None:
    """Call after the blueprints are registered (limits bind to the views)."""
    hops = int(app.config.get("PROXY_COUNT") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.after_request(_security_headers)
    app.after_request(_cors(app))
    limits.init_app(app)
