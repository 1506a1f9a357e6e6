"""One JSON error envelope for every failure: {"error": {"code", "message"}} (api.md)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, jsonify, request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from . import http

# Default codes and bilingual messages for plain HTTP errors.
_HTTP: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求格式错误 / Bad request"),
    401: ("unauthorized", "需要登录 / Authentication required"),
    403: ("forbidden", "无权执行此操作 / Forbidden"),
    404: ("not_found", "资源不存在 / Not found"),
    405: ("method_not_allowed", "不支持该请求方法 / Method not allowed"),
    409: ("conflict", "与当前状态冲突 / Conflict"),
    413: ("payload_too_large", "上传内容过大 / Payload too large"),
    415: ("unsupported_media_type", "不支持的内容类型 / Unsupported media type"),
    422: ("invalid_input", "输入内容有误 / Invalid input"),
    429: ("rate_limited", "请求过于频繁,请稍后再试 / Too many requests"),
}


class ApiError(Exception):
    """Raised by domain services and views; becomes the JSON envelope with its status."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


def error_response(
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
):
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body.update(details)
    response = jsonify({"error": body})
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


# app.extensions key: [(path prefix, handler)] for APIs whose errors have another shape
# (Open311 registers itself: errors must not import the APIs above it).
PREFIX_HANDLERS = "inspector_error_prefix_handlers"


def _prefix_handler(exc: Exception):
    """The handler of an API with its own error shape whose path prefix this request has, for
    errors raised before a view of it is known (unknown paths, the input guard)."""
    if has_request_context():
        for prefix, handler in current_app.extensions.get(PREFIX_HANDLERS, ()):
            if request.path.startswith(prefix):
                return handler
    return None


def _http_error(exc: HTTPException):
    http.rollback()
    if handler := _prefix_handler(exc):  # e.g. unknown paths under /open311/
        return handler(exc)
    status = exc.code or 500
    code, message = _HTTP.get(status, ("http_error", exc.name))
    details: dict[str, Any] = {}
    # flask-smorest/webargs put field messages in exc.data["messages"].
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages:
        status, code = 422, "invalid_input"
        message = "输入内容有误 / Invalid input"
        details["fields"] = messages
    headers = dict(exc.get_headers()) if status in (405, 429) else {}
    headers.pop("Content-Type", None)
    retry = getattr(exc, "retry_after", None)
    if retry is not None:
        headers["Retry-After"] = str(retry)
    return error_response(status, code, message, details, headers)


def _api_error(exc: ApiError):
    http.rollback()
    if handler := _prefix_handler(exc):  # e.g. the input guard on a path under /open311/
        return handler(exc)
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


def _unexpected(exc: Exception):
    http.rollback()
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    if isinstance(exc, IntegrityError | StaleDataError):
        # Two requests changed the same thing at once; the loser may reload and retry.
        return _api_error(changed_concurrently())
    from flask import current_app

    if isinstance(exc, OperationalError):
        # The database is restarting or unreachable (a failover, a crash): nothing was stored,
        # and phones resend with their client_id, so say "later" rather than "broken".
        current_app.logger.warning("database unavailable: %s", exc.orig)
        return error_response(
            503,
            "database_unavailable",
            "数据库暂不可用,请稍后重试 / Database unavailable, retry shortly",
            headers={"Retry-After": "5"},
        )
    current_app.logger.exception("unhandled error")
    return error_response(500, "internal_error", "服务器内部错误 / Internal server error")


def init_app(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def not_found(what: str = "资源 / Resource") -> ApiError:
    return ApiError(404, "not_found", f"{what}不存在 / not found")


def invalid(message: str, **details: Any) -> ApiError:
    return ApiError(422, "invalid_input", message, details or None)


def conflict(code: str, message: str) -> ApiError:
    return ApiError(409, code, message)


def changed_concurrently(details: dict[str, Any] | None = None) -> ApiError:
    """409 `conflict`: someone else changed it first (stale version, lost race); reload, retry."""
    return ApiError(
        409,
        "conflict",
        "数据已被他人修改,请刷新后重试 / Changed concurrently, reload and retry",
        details,
    )
