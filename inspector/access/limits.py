"""Abuse limits (Flask-Limiter) on public endpoints: per IP, per account, per login name.

Views declare which budget they spend with `@rate_limited("login")`; `init_app` builds one
Limiter per app (counts in the database, or in Redis when INSPECTOR_REDIS_URL is set: every
worker and host shares them) and binds the declared budgets. A breach answers 429 `rate_limited` with `Retry-After`
in the JSON error envelope. INSPECTOR_RATE_LIMITS=off switches all of it off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Flask, current_app, request
from flask_limiter import Limiter

from ..extensions import db
from . import limit_store
from .auth import current_actor

# budget name -> [(key kind, config setting holding the limit string)]
BUDGETS: dict[str, list[tuple[str, str]]] = {
    "login": [("ip", "LIMIT_LOGIN_IP"), ("username", "LIMIT_LOGIN_USER")],
    "submit": [("ip", "LIMIT_SUBMIT_IP"), ("account", "LIMIT_SUBMIT_ACCOUNT")],
    "open311": [("api_key", "LIMIT_OPEN311_KEY")],
    "public": [("ip", "LIMIT_PUBLIC_IP")],  # public read-only pages (曝光台)
}


def client_ip() -> str:
    """The caller's address; behind a proxy, INSPECTOR_PROXY_COUNT makes ProxyFix restore it."""
    return request.remote_addr or "unknown"


def _key_ip() -> str:
    return "ip:" + client_ip()


def _key_account() -> str:
    """Logged-in callers count per account (a NAT can hide many phones behind one IP)."""
    actor = current_actor()
    return f"account:{actor.account_id}" if not actor.anonymous else _key_ip()


def _key_username() -> str:
    body = request.get_json(silent=True)
    name = body.get("username") if isinstance(body, dict) else None
    return "user:" + (str(name).strip().lower()[:80] if name else "-")


def _key_api_key() -> str:
    """Open311 POSTs count per api_key (a hash of it: keys never sit in the limiter store)."""
    key = request.values.get("api_key") or ""
    return "open311:" + hashlib.sha256(key.encode()).hexdigest()[:24]


KEY_FUNCS: dict[str, Callable[[], str]] = {
    "ip": _key_ip,
    "account": _key_account,
    "username": _key_username,
    "api_key": _key_api_key,
}


def rate_limited(*budgets: str) -> Callable:
    """Mark a view as spending the named budgets (see BUDGETS); bound per app in `init_app`."""
    unknown = [b for b in budgets if b not in BUDGETS]
    if unknown:
        raise ValueError(f"unknown rate-limit budget {unknown}")

    def decorator(view: Callable) -> Callable:
        view.rate_budgets = tuple(budgets)
        return view

    return decorator


def _limit_value(setting: str) -> Callable[[], str]:
    return lambda: current_app.config[setting]


def bind_budgets(limiter: Limiter, view: Callable) -> Callable:
    """The view wrapped in the limits of the budgets it declared (checked when it is called)."""
    for budget in getattr(view, "rate_budgets", ()):
        for kind, setting in BUDGETS[budget]:
            view = limiter.limit(
                _limit_value(setting),
                key_func=KEY_FUNCS[kind],
                scope=f"{budget}:{kind}",
                override_defaults=False,
            )(view)
    return view


def init_app(app: Flask) -> Limiter | None:
    """Call after the blueprints are registered and after auth (the account key needs the actor).

    Counts live in Redis when INSPECTOR_REDIS_URL is set (moving window), otherwise in the app's
    own database (`limit_store`, fixed window), so several workers and hosts share them either way.
    """
    if not app.config["RATE_LIMITS_ENABLED"]:
        return None
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    if app.config.get("REDIS_URL"):
        app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
        app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
        # Redis down: count in this process's memory rather than answer 500 to every login.
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    else:
        app.config.setdefault("RATELIMIT_STORAGE_URI", f"{limit_store.SCHEME}://")
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"engine": lambda: db.engine})
        app.config.setdefault("RATELIMIT_STRATEGY", "fixed-window")
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter = Limiter(key_func=_key_ip, key_prefix="inspector", app=app)
    for endpoint, view in list(app.view_functions.items()):
        if getattr(view, "rate_budgets", ()):
            app.view_functions[endpoint] = bind_budgets(limiter, view)
    app.extensions["inspector_limiter"] = limiter
    return limiter
