"""GET /stats/units|grids|categories|reporters and /rankings: HTTP to the indicator services."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..access.auth import current_actor, require_roles
from ..access.roles import ADMIN, DISPATCHER, STAFF_ROLES, SUPERVISOR, UNIT_STAFF
from ..apidoc import BINARY, CSV, HTML, answers_in
from ..errors import invalid
from ..grid.schemas import FeatureCollection
from ..schemas import Int
from ..workflow.models import STATUSES
from . import bulletins, exports, periods
from .indicators import category_stats, grid_stats, reporter_stats, unit_stats
from .rankings import rankings
from .schemas import (
    BulletinListOut,
    BulletinOut,
    CategoryStats,
    GridStats,
    PublicationOut,
    RankingsOut,
    ReporterStats,
    UnitStats,
)
from .scopes import scope_of

blp = Blueprint("supervision", __name__, description="督查考核 / Supervision")

# Who reads the indicators: 督查组 and admins, the command centre; unit staff their own unit.
READERS = (SUPERVISOR, ADMIN, DISPATCHER)
UNIT_READERS = (*READERS, UNIT_STAFF)


class PeriodArgs(Schema):
    from_ = fields.String(data_key="from", required=True, validate=validate.Length(max=10))
    to = fields.String(required=True, validate=validate.Length(max=10))
    zone_code = fields.String(load_default=None, validate=validate.Length(max=20))


class WeekArgs(Schema):
    week = fields.String(required=True, validate=validate.Length(max=8))


FORMATS = ("json", "html", "pdf")


class WeeklyArgs(WeekArgs):
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


class ListingArgs(Schema):
    kind = fields.String(load_default="weekly", validate=validate.OneOf(tuple(bulletins.KIND_ZH)))
    count = Int(load_default=8, validate=validate.Range(min=1, max=53))


class MonthlyArgs(Schema):
    month = fields.String(required=True, validate=validate.Length(max=7))
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


def period_or_422(make: Callable[..., periods.Period], *args: str) -> periods.Period:
    try:
        return make(*args)
    except periods.PeriodError as exc:
        raise invalid(str(exc)) from exc


def _stats(service: Callable, args: dict) -> dict:
    period = period_or_422(periods.between, args["from_"], args["to"])
    return service(period, current_actor(), args["zone_code"])


@blp.route("/stats/units", methods=["GET"])
@require_roles(*UNIT_READERS)
@blp.arguments(PeriodArgs, location="query")
@blp.alt_response(200, schema=UnitStats, success=True)
def stats_units(args: dict):
    """责任单位考核指标 (unit staff: their own unit only)."""
    return _stats(unit_stats, args)


@blp.route("/stats/grids", methods=["GET"])
@require_roles(*READERS)
@blp.arguments(PeriodArgs, location="query")
@blp.alt_response(200, schema=GridStats, success=True)
def stats_grids(args: dict):
    """单元网格: 网格员发现与漏报、核实、核查."""
    return _stats(grid_stats, args)


@blp.route("/stats/categories", methods=["GET"])
@require_roles(*READERS)
@blp.arguments(PeriodArgs, location="query")
@blp.alt_response(200, schema=CategoryStats, success=True)
def stats_categories(args: dict):
    return _stats(category_stats, args)


@blp.route("/stats/reporters", methods=["GET"])
@require_roles(*READERS)
@blp.arguments(PeriodArgs, location="query")
@blp.alt_response(200, schema=ReporterStats, success=True)
def stats_reporters(args: dict):
    """上报人有效举报率 (names masked)."""
    return _stats(reporter_stats, args)


@blp.route("/rankings", methods=["GET"])
@require_roles(*UNIT_READERS)
@blp.arguments(WeekArgs, location="query")
@blp.alt_response(200, schema=RankingsOut, success=True)
def get_rankings(args: dict):
    """红黑榜 and 流动黄旗 of an ISO week."""
    return rankings(period_or_422(periods.week, args["week"]), current_actor())


# ?format=json|html|pdf: the bulletin in each content type.
BULLETIN_TYPES = {"application/json": BulletinOut, "text/html": HTML, "application/pdf": BINARY}


def _document(kind: str, period: periods.Period, fmt: str):  # noqa: ANN202
    scope = scope_of(current_actor())
    body, sha256 = bulletins.document(kind, period, fmt, scope)
    headers = {"X-Bulletin-SHA256": sha256} if sha256 else {}
    if fmt == "json":
        return body, 200, headers
    name = (
        f"bulletin-{kind}-{period.label}{'-' + '-'.join(scope.codes) if scope.codes else ''}.{fmt}"
    )
    mimetype = "application/pdf" if fmt == "pdf" else "text/html"
    headers["Content-Disposition"] = f'inline; filename="{name}"'
    return Response(body, mimetype=mimetype, headers=headers)


@blp.route("/bulletins", methods=["GET"])
@require_roles(*UNIT_READERS)
@blp.arguments(ListingArgs, location="query")
@blp.alt_response(200, schema=BulletinListOut, success=True)
def list_bulletins(args: dict):
    """The latest weeks (or months): over or not, published or not (the bulletins page's list)."""
    return bulletins.listing(args["kind"], args["count"], scope_of(current_actor()))


@blp.route("/bulletins/weekly", methods=["GET"])
@require_roles(*UNIT_READERS)
@blp.arguments(WeeklyArgs, location="query")
@answers_in(blp, BULLETIN_TYPES)
def weekly_bulletin(args: dict):
    """周通报 as JSON, printable A4 HTML or PDF; the frozen one once published."""
    return _document("weekly", period_or_422(periods.week, args["week"]), args["format"])


@blp.route("/bulletins/monthly", methods=["GET"])
@require_roles(*UNIT_READERS)
@blp.arguments(MonthlyArgs, location="query")
@answers_in(blp, BULLETIN_TYPES)
def monthly_bulletin(args: dict):
    """月总结 as JSON, printable A4 HTML or PDF; the frozen one once published."""
    return _document("monthly", period_or_422(periods.month, args["month"]), args["format"])


def _publish(kind: str, period: periods.Period):  # noqa: ANN202
    bulletin = bulletins.publish(kind, period, current_actor())
    return bulletins.publication_json(bulletin), 201  # the request owner commits


@blp.route("/bulletins/weekly/<string:week>/publish", methods=["POST"])
@require_roles(SUPERVISOR, ADMIN)
@blp.alt_response(201, schema=PublicationOut, success=True)
@blp.alt_response(409, "CONFLICT")
def publish_weekly(week: str):
    """Freeze the week's bulletin (document, numbers, SHA-256 of the PDF, who published)."""
    return _publish("weekly", period_or_422(periods.week, week))


@blp.route("/bulletins/monthly/<string:month>/publish", methods=["POST"])
@require_roles(SUPERVISOR, ADMIN)
@blp.alt_response(201, schema=PublicationOut, success=True)
@blp.alt_response(409, "CONFLICT")
def publish_monthly(month: str):
    return _publish("monthly", period_or_422(periods.month, month))


class ExportArgs(Schema):
    from_ = fields.String(data_key="from", load_default=None, validate=validate.Length(max=10))
    to = fields.String(load_default=None, validate=validate.Length(max=10))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    unit_code = fields.String(load_default=None, validate=validate.Length(max=40))
    grid_code = fields.String(load_default=None, validate=validate.Length(max=20))


def _export_filter(args: dict) -> exports.ExportFilter:
    period = None
    if args["from_"] or args["to"]:
        if not (args["from_"] and args["to"]):
            raise invalid("from 与 to 须同时给出 / give both from and to")
        period = period_or_422(periods.between, args["from_"], args["to"])
    return exports.ExportFilter(period, args["status"], args["unit_code"], args["grid_code"])


def _attachment(ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{exports.file_name(ext)}"'}


@blp.route("/exports/cases.xlsx", methods=["GET"])
@require_roles(*STAFF_ROLES)
@blp.arguments(ExportArgs, location="query")
@blp.alt_response(
    200,
    schema=BINARY,
    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    success=True,
)
def export_xlsx(args: dict):
    """案件台账 (Excel): Chinese headers, frozen header row, filters; the caller's cases only."""
    f, actor = _export_filter(args), current_actor()
    book = exports.xlsx_file(actor, f, exports.source(request.host_url.rstrip("/")))

    def chunks():  # noqa: ANN202
        with book:
            while chunk := book.read(64 * 1024):
                yield chunk

    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(chunks(), mimetype=mimetype, headers=_attachment("xlsx"))


@blp.route("/exports/cases.csv", methods=["GET"])
@require_roles(*STAFF_ROLES)
@blp.arguments(ExportArgs, location="query")
@blp.alt_response(200, schema=CSV, content_type="text/csv", success=True)
def export_csv(args: dict):
    f, actor = _export_filter(args), current_actor()
    body = exports.csv_chunks(actor, f, exports.source(request.host_url.rstrip("/")))
    return Response(body, mimetype="text/csv", headers=_attachment("csv"))


@blp.route("/exports/cases.geojson", methods=["GET"])
@require_roles(*STAFF_ROLES)
@blp.arguments(ExportArgs, location="query")
@blp.alt_response(200, schema=FeatureCollection, content_type="application/geo+json", success=True)
def export_geojson(args: dict):
    f, actor = _export_filter(args), current_actor()
    body = exports.geojson_chunks(actor, f, exports.source(request.host_url.rstrip("/")))
    return Response(body, mimetype="application/geo+json", headers=_attachment("geojson"))
