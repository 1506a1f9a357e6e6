"""Binds the bearer token of each request to an Actor in `g`, and the role gate for views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, g, request

from ..errors import ApiError
from .actor import ANONYMOUS, Actor
from .service import actor_for_token


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[len("Bearer ") :].strip() or None
    return None


def _load_actor() -> None:
    token = bearer_token()
    if token is None:
        g.actor = ANONYMOUS
        return
    actor = actor_for_token(token)
    if actor is None:
        raise ApiError(401, "invalid_token", "登录已失效,请重新登录 / Token invalid or expired")
    g.actor = actor


def current_actor() -> Actor:
    return g.get("actor", ANONYMOUS)


def require_roles(*roles: str) -> Callable:
    """401 for anonymous callers, 403 for a role the view does not serve."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            actor = current_actor()
            if actor.anonymous:
                raise ApiError(401, "unauthorized", "需要登录 / Authentication required")
            if roles and actor.role not in roles:
                raise ApiError(403, "forbidden", "无权执行此操作 / Forbidden")
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # read by the role x endpoint matrix test
        return wrapped

    return decorator


def init_app(app: Flask) -> None:
    app.before_request(_load_actor)
