"""POST /reports (随手拍 intake, idempotent by client_id), GET /reports/<id>, GET /me/reports."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.exc import IntegrityError

from ..access.auth import current_actor, public, require_roles
from ..access.facts import case_facts, is_reporter
from ..access.limits import rate_limited
from ..access.policy import can_see_report
from ..access.roles import ROLES
from ..errors import ApiError, not_found
from ..extensions import db
from ..grid.coords import SYSTEMS
from ..pagination import PageArgs, page_of, paginate
from ..schemas import CoordSysArgs, TrackingArgs
from ..timeutil import utcnow
from .models import Report
from .present import report_json
from .queries import own_reports
from .schemas import ReportOut
from .service import (
    ReportInput,
    RetryProof,
    replay,
    report_by_token,
    submit_report,
)

blp = Blueprint("reports", __name__, description="随手拍上报 / Reports")


class ReportForm(Schema):
    lat = fields.Float(load_default=None, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(load_default=None, validate=validate.Range(min=-180, max=180))
    coord_sys = fields.String(load_default="wgs84", validate=validate.OneOf(SYSTEMS))
    accuracy_m = fields.Float(load_default=None, validate=validate.Range(min=0, max=100_000))
    category_code = fields.String(load_default=None, validate=validate.Length(max=20))
    description = fields.String(load_default=None, validate=validate.Length(max=2000))
    client_id = fields.UUID(load_default=None)
    # Anonymous phones: a random secret kept with the unsent report; a retry with the same
    # client_id must send it again to get the first answer (and its tracking token) back.
    retry_secret = fields.String(load_default=None, validate=validate.Length(min=16, max=128))
    # Or the tracking token of the first answer, when the phone got it.
    tracking_token = fields.String(load_default=None, validate=validate.Length(max=128))
    phone = fields.String(load_default=None, validate=validate.Regexp(r"^\+?[0-9][0-9 \-]{4,19}$"))
    source = fields.String(load_default=None)
    # The files arrive in request.files; this field only puts them into the OpenAPI document
    # (one multipart schema: flask-smorest documents a single form body per operation).
    photo = fields.List(
        fields.Raw(metadata={"type": "string", "format": "binary"}),
        load_default=None,
        metadata={"description": "1–9 张照片 JPEG/PNG/HEIC/WebP / 1-9 photos"},
    )


class MyReportsArgs(PageArgs, CoordSysArgs):
    pass


def _answer(report: Report, token: str | None, status: int, coord_sys: str):
    body = report_json(report, current_actor(), coord_sys, token=token)
    if token:
        body["tracking_token"] = token
    return body, status


@blp.route("/reports", methods=["POST"])
@public("随手拍: residents may report without an account / anonymous reports are allowed")
@rate_limited("submit")
@blp.arguments(ReportForm, location="form", content_type="multipart/form-data")
@blp.arguments(CoordSysArgs, location="query", as_kwargs=True)  # the answer's map system
@blp.alt_response(201, schema=ReportOut, success=True)
@blp.alt_response(
    200, schema=ReportOut, description="重发:原上报 / a retry: the first report", success=True
)
@blp.alt_response(409, "CONFLICT")
@blp.alt_response(413, "REQUEST_ENTITY_TOO_LARGE")
def create_report(form: dict, coord_sys: str):
    actor = current_actor()
    client_id = str(form["client_id"]) if form["client_id"] else None
    form.pop("photo", None)
    proof = RetryProof(form["retry_secret"], form.pop("tracking_token"))
    data = ReportInput(**{**form, "client_id": client_id})
    if client_id and (existing := replay(actor, client_id, proof)) is not None:
        return _answer(*existing, 200, coord_sys)
    files = request.files.getlist("photo")
    try:
        report, token = submit_report(actor, data, files, utcnow())  # flushes: the race shows here
    except IntegrityError as exc:  # the same client_id won a race on another process
        db.session.rollback()
        existing = replay(actor, client_id, proof) if client_id else None
        if existing is None:
            raise ApiError(409, "conflict", "请重试 / please retry") from exc
        return _answer(*existing, 200, coord_sys)
    return _answer(report, token, 201, coord_sys)


@blp.route("/reports/<int:report_id>", methods=["GET"])
@public("anonymous reporters follow with their tracking token; others by the case policy")
@blp.arguments(TrackingArgs, location="query")
@blp.alt_response(200, schema=ReportOut, success=True)
def get_report(args: dict, report_id: int):
    actor = current_actor()
    report = db.session.get(Report, report_id)
    if report is None:
        raise not_found("上报 / Report")
    own = is_reporter(report, actor, args["token"])
    if not can_see_report(actor, case_facts(report.case) if report.case else None, own):
        raise not_found("上报 / Report")
    return report_json(report, actor, args["coord_sys"], token=args["token"])


@blp.route("/reports/track", methods=["GET"])
@public("anonymous follow-up by tracking token alone")
@blp.arguments(TrackingArgs, location="query")
@blp.alt_response(200, schema=ReportOut, success=True)
@blp.alt_response(404, "NOT_FOUND")
def track_report(args: dict):
    """Anonymous follow-up by tracking token alone (the phone may have lost the report id)."""
    report = report_by_token(args["token"]) if args["token"] else None
    if report is None:
        raise not_found("上报 / Report")
    return report_json(report, current_actor(), args["coord_sys"], token=args["token"])


@blp.route("/me/reports", methods=["GET"])
@require_roles(*ROLES)
@blp.arguments(MyReportsArgs, location="query")
@blp.alt_response(200, schema=page_of(ReportOut), success=True)
def my_reports(args: dict):
    actor = current_actor()
    query = own_reports(actor)
    return paginate(query, Report.id, args, lambda r: report_json(r, actor, args["coord_sys"]))
