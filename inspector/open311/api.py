"""/open311/v2/: GeoReport v2 methods, each in .json and .xml; errors in the spec's shape.

Views only translate HTTP: parse (marshmallow, documented in the OpenAPI file), call the
service, write the answer with formats.py. Every failure on these paths, ours or the
framework's, answers `[{"code", "description"}]` / `<errors>` instead of the /api/v1 envelope.
"""

from __future__ import annotations

from flask import Response, current_app, request
from flask_smorest import Blueprint
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from .. import http
from ..access.auth import public
from ..access.limits import rate_limited
from ..categories.models import Category
from ..errors import PREFIX_HANDLERS, ApiError
from ..extensions import db
from ..timeutil import CHINA, utcnow
from . import present
from .formats import answer, error_answer
from .keys import active_key
from .service import (
    PostInput,
    RequestQuery,
    active_category,
    case_by_number,
    case_by_token,
    earlier_post,
    list_cases,
    submit,
)

blp = Blueprint(
    "open311",
    __name__,
    url_prefix="/open311/v2",
    description="Open311 GeoReport v2 (JSON 与 XML / JSON and XML)",
)
FMT = "<any(json, xml):fmt>"
MAX_ATTRIBUTES = 30
OPEN_READ = "Open311 GeoReport v2 reads are public (positions rounded, no personal data)"


class _Args(Schema):
    class Meta:
        unknown = EXCLUDE

    jurisdiction_id = fields.String(load_default=None, validate=validate.Length(max=100))


class RequestsArgs(_Args):
    service_request_id = fields.String(
        load_default=None, metadata={"description": "逗号分隔 / comma-separated case numbers"}
    )
    service_code = fields.String(load_default=None, metadata={"description": "comma-separated"})
    start_date = fields.DateTime(load_default=None)
    end_date = fields.DateTime(load_default=None)
    status = fields.String(load_default=None, metadata={"description": "open, closed"})
    extensions = fields.Boolean(load_default=False)


class ReadArgs(_Args):
    extensions = fields.Boolean(load_default=False)


class PostForm(_Args):
    api_key = fields.String(load_default=None, validate=validate.Length(max=200))
    service_code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    lat = fields.Float(load_default=None, validate=validate.Range(min=-90, max=90))
    long = fields.Float(load_default=None, validate=validate.Range(min=-180, max=180))
    address_string = fields.String(load_default=None, validate=validate.Length(max=500))
    description = fields.String(load_default=None, validate=validate.Length(max=4000))
    email = fields.Email(load_default=None, validate=validate.Length(max=254))
    phone = fields.String(load_default=None, validate=validate.Regexp(r"^\+?[0-9][0-9 \-]{4,19}$"))
    first_name = fields.String(load_default=None, validate=validate.Length(max=80))
    last_name = fields.String(load_default=None, validate=validate.Length(max=80))
    device_id = fields.String(load_default=None, validate=validate.Length(max=120))
    account_id = fields.String(load_default=None, validate=validate.Length(max=120))
    media_url = fields.Url(
        load_default=None, schemes={"http", "https"}, validate=validate.Length(max=2000)
    )
    media = fields.Raw(
        load_default=None,
        metadata={"type": "string", "format": "binary", "description": "照片 / photo"},
    )

    @pre_load
    def _blank_is_absent(self, data, **kwargs):  # noqa: ANN001
        """Form senders often send every field, empty ones as "" (lat="" with an address)."""
        return {k: v for k, v in data.items() if v != ""}

    @validates_schema
    def _both_or_neither(self, data, **kwargs):  # noqa: ANN001
        if (data.get("lat") is None) != (data.get("long") is None):
            raise ValidationError("lat 与 long 须同时提供 / lat and long go together", "long")


def _fmt() -> str:
    fmt = (request.view_args or {}).get("fmt")
    return fmt or ("xml" if request.path.endswith(".xml") else "json")


def open311_error(status: int, description: str, headers: dict | None = None) -> Response:
    response = error_answer(_fmt(), status, description)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


# Our statuses the spec does not list become its 400 (bad input) or 403 (not allowed).
_STATUS = {401: 403, 409: 400, 422: 400}


@blp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    http.rollback()
    return api_error(exc)


def api_error(exc: ApiError) -> Response:
    return open311_error(_STATUS.get(exc.status, exc.status), exc.message, exc.headers)


def prefix_error(exc: Exception) -> Response:
    """Errors raised under /open311/ before one of our views is known (errors.py asks us)."""
    return api_error(exc) if isinstance(exc, ApiError) else http_error(exc)


@blp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    http.rollback()
    return http_error(exc)


def http_error(exc: HTTPException) -> Response:
    """Framework errors (bad arguments, 404, 405, 413, 429) in the spec's shape."""
    status = exc.code or 400
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages:
        fields_ = {k: v for where in messages.values() for k, v in where.items()}
        text = "; ".join(f"{name}: {' '.join(map(str, m))}" for name, m in fields_.items())
        return open311_error(400, f"参数有误 / invalid parameters: {text}")
    headers = {}
    retry = getattr(exc, "retry_after", None)
    if status == 429:
        headers["Retry-After"] = str(retry or 60)
    description = exc.description if status != 429 else "请求过于频繁 / too many requests"
    return open311_error(status, f"{exc.name}: {description}", headers)


@blp.record_once
def _own_routing_errors(state) -> None:  # noqa: ANN001 - flask BlueprintSetupState
    """Unknown paths and methods under /open311/ match no view: errors.py asks us for those."""
    state.app.extensions.setdefault(PREFIX_HANDLERS, []).append(("/open311/", prefix_error))


@blp.before_request
def _jurisdiction() -> Response | None:
    served = current_app.config.get("OPEN311_JURISDICTION") or ""
    asked = request.values.get("jurisdiction_id")
    if served and asked and asked != served:
        return open311_error(404, f"jurisdiction_id {asked} 不存在 / not found")
    return None


@blp.after_request
def _open_reads(response: Response) -> Response:
    """Public reads may be used by any web page (as FixMyStreet's server allows)."""
    if request.method == "GET":
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@blp.route(f"/discovery.{FMT}", methods=["GET"])
@public(OPEN_READ)
@blp.arguments(_Args, location="query")
def discovery(args: dict, fmt: str):
    return answer(fmt, "discovery", present.discovery())


@blp.route(f"/services.{FMT}", methods=["GET"])
@public(OPEN_READ)
@blp.arguments(_Args, location="query")
def services(args: dict, fmt: str):
    cats = db.session.scalars(select(Category).where(Category.active).order_by(Category.code))
    return answer(fmt, "services", [present.service(c) for c in cats])


@blp.route(f"/services/<string:service_code>.{FMT}", methods=["GET"])
@public(OPEN_READ)
@blp.arguments(_Args, location="query")
def service_definition(args: dict, service_code: str, fmt: str):
    cat = active_category(service_code)
    if cat is None:
        raise ApiError(404, "not_found", f"service_code {service_code} 不存在 / not found")
    return answer(fmt, "service_definition", present.service_definition(cat))


def _csv(text: str | None) -> list[str] | None:
    items = [t.strip() for t in (text or "").split(",") if t.strip()]
    return items or None


def _aware(value):  # noqa: ANN001, ANN202 - datetime | None
    """A date without offset is China time, like every time people type into this system."""
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=CHINA)
    return value


@blp.route(f"/requests.{FMT}", methods=["GET"])
@public(OPEN_READ)
@blp.arguments(RequestsArgs, location="query")
def get_requests(args: dict, fmt: str):
    statuses = _csv(args["status"])
    if statuses and not set(statuses) <= {"open", "closed"}:
        raise ApiError(400, "bad_request", "status 只能是 open 或 closed / status: open, closed")
    query = RequestQuery(
        service_request_ids=_csv(args["service_request_id"]),
        service_codes=_csv(args["service_code"]),
        statuses=statuses,
        start=_aware(args["start_date"]),
        end=_aware(args["end_date"]),
    )
    cases = list_cases(query, utcnow())
    return answer(fmt, "service_requests", present.service_requests(cases, args["extensions"]))


@blp.route(f"/requests/<string:service_request_id>.{FMT}", methods=["GET"])
@public(OPEN_READ)
@blp.arguments(ReadArgs, location="query")
def get_request(args: dict, service_request_id: str, fmt: str):
    case = case_by_number(service_request_id)
    if case is None:
        raise ApiError(
            404, "not_found", f"service_request_id {service_request_id} 不存在 / not found"
        )
    return answer(fmt, "service_requests", present.service_requests([case], args["extensions"]))


@blp.route(f"/tokens/<string:token>.{FMT}", methods=["GET"])
@public(OPEN_READ)
@blp.arguments(_Args, location="query")
def get_token(args: dict, token: str, fmt: str):
    case = case_by_token(token)
    if case is None:
        raise ApiError(404, "not_found", "token 不存在 / token not found")
    return answer(fmt, "service_requests", present.token_answer(case, token))


def _attributes() -> dict[str, str]:
    """`attribute[code]=value` fields (kept with the request; no category asks any yet)."""
    found = {}
    for name, value in request.form.items(multi=False):
        if name.startswith("attribute[") and name.endswith("]"):
            code = name[len("attribute[") : -1]
            if not code or len(code) > 60 or len(value) > 1000:
                raise ApiError(400, "bad_request", f"{name} 过长 / too long")
            found[code] = value
    if len(found) > MAX_ATTRIBUTES:
        raise ApiError(400, "bad_request", f"attribute 最多 {MAX_ATTRIBUTES} 项 / too many")
    return found


@blp.route(f"/requests.{FMT}", methods=["POST"])
@public("Open311 senders prove themselves with an api_key in the form (403 without)")
@rate_limited("open311")
@blp.arguments(PostForm, location="form", content_type="multipart/form-data")
def post_request(form: dict, fmt: str):
    key = active_key(form.pop("api_key"))
    if key is None:
        raise ApiError(403, "forbidden", "api_key 无效或已吊销 / invalid or revoked api_key")
    for unused in ("jurisdiction_id", "account_id", "media"):
        form.pop(unused, None)
    data = PostInput(**form, attributes=_attributes())
    now = utcnow()
    earlier = earlier_post(key, data, now)
    if earlier is not None:  # a retry: the same case again, nothing new
        return answer(fmt, "service_requests", present.post_answer(earlier.case, None))
    files = [f for f in request.files.getlist("media") if f.filename]
    try:
        report, token = submit(key, data, files, now)  # flushed; the request commits (http.py)
    except IntegrityError:  # the same retry was flushed first by another process
        db.session.rollback()
        earlier = earlier_post(key, data, now)
        if earlier is None:
            raise
        return answer(fmt, "service_requests", present.post_answer(earlier.case, None))
    return answer(fmt, "service_requests", present.post_answer(report.case, token), 201)
