"""Binds the bearer token of each request to an Actor in `g`, and the role gate for views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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


def public(reason: str) -> Callable:
    """Declare a view open to anonymous callers; the reason is read in reviews and by the matrix test.

    A public view still decides per object (a report by its tracking token, hidden rows as 404).
    """

    def decorator(view: Callable) -> Callable:
        view.public_reason = reason
        return view

    return decorator


@dataclass(frozen=True)
class AccessRule:
    """What a view declares: public (with a reason) or the roles it serves (empty: any account)."""

    public: bool
    roles: frozenset[str]
    reason: str | None = None


def access_rule(view: Callable) -> AccessRule | None:
    """The declared rule of a view function, or None when it declares nothing (a bug)."""
    reason = getattr(view, "public_reason", None)
    if reason:
        return AccessRule(public=True, roles=frozenset(), reason=reason)
    roles = getattr(view, "required_roles", None)
    if roles is None:
        return None
    return AccessRule(public=False, roles=frozenset(roles))


def undeclared_endpoints(app: Flask, skip: tuple[str, ...] = ("static", "api-docs.")) -> list[str]:
    """Endpoints of the URL map that carry no access declaration: each one is a hole."""
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(skip):
            continue
        if access_rule(app.view_functions[rule.endpoint]) is None:
            missing.append(f"{rule.rule} -> {rule.endpoint}")
    return sorted(missing)


def init_app(app: Flask) -> None:
    app.before_request(_load_actor)
