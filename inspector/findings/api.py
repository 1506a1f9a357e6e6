"""POST /findings/batches (import a 问题清单), GET /findings/batches/<id>[?format=json|html|
xlsx|pdf]; POST /campaigns, GET /campaigns/<id>/report[?format=] (专项整治)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, request
from flask_smorest import Blueprint
from markupsafe import escape
from marshmallow import Schema, fields, validate

from ..access.auth import current_actor, require_roles
from ..access.roles import ADMIN, DISPATCHER, SUPERVISOR
from ..apidoc import BINARY, HTML, answers_in
from ..documents import PDF_MIME, render_pdf
from ..errors import ApiError, not_found
from ..extensions import db
from ..schemas import TAKEOVER_ESCALATIONS, TAKEOVER_HOURS
from ..timeutil import utcnow
from .campaigns import CampaignInput, campaign_json, campaign_report, create_campaign, report_table
from .documents import XLSX_MIME, page_html, table_html, workbook
from .importer import BatchMeta, import_batch
from .models import BATCH_SOURCES, Campaign, FindingBatch
from .report import batch_summary, summary_html, summary_xlsx
from .schemas import BatchImported, BatchSummary, CampaignOut, CampaignReport

blp = Blueprint("findings", __name__, description="问题清单 / Findings lists")

_FILE = fields.Raw(metadata={"type": "string", "format": "binary"}, load_default=None)


class BatchForm(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    source = fields.String(required=True, validate=validate.OneOf(tuple(BATCH_SOURCES)))
    due_date = fields.Date(load_default=None)
    takeover_after_escalations = TAKEOVER_ESCALATIONS
    takeover_after_hours = TAKEOVER_HOURS
    # The files arrive in request.files; these fields only document them in OpenAPI.
    file = _FILE
    photos = _FILE


FORMATS = ("json", "html", "xlsx", "pdf")


class BatchArgs(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


def _document(
    fmt: str,
    name: str,
    data: dict,
    html: Callable[[bool], str],
    sheets: Callable[[], bytes],
):  # noqa: ANN202 - a JSON body or a Response
    """One report in the format asked: the JSON itself, the printable page, the workbook, or
    the page as PDF (`html(True)`: photos inlined, since the renderer fetches nothing)."""
    if fmt == "html":
        return Response(html(False), mimetype="text/html")
    if fmt == "xlsx":
        disposition = f'attachment; filename="{name}.xlsx"'
        return Response(sheets(), mimetype=XLSX_MIME, headers={"Content-Disposition": disposition})
    if fmt == "pdf":
        disposition = f'inline; filename="{name}.pdf"'
        return Response(
            render_pdf(html(True)), mimetype=PDF_MIME, headers={"Content-Disposition": disposition}
        )
    return data


def _documents(schema: type[Schema]) -> dict:
    """?format=json|html|xlsx|pdf: the answer in each content type."""
    return {"application/json": schema, "text/html": HTML, XLSX_MIME: BINARY, PDF_MIME: BINARY}


def _upload(name: str, required: bool) -> bytes | None:
    upload = request.files.get(name)
    data = upload.stream.read() if upload is not None and upload.stream else b""
    if not data:
        if required:
            raise ApiError(
                422, "invalid_input", f"缺少文件 {name} / file {name} is required", {"field": name}
            )
        return None
    return data


@blp.route("/findings/batches", methods=["POST"])
@require_roles(SUPERVISOR, ADMIN)
@blp.arguments(BatchForm, location="form", content_type="multipart/form-data")
@blp.alt_response(200, schema=BatchImported, success=True)
@blp.alt_response(413, "REQUEST_ENTITY_TOO_LARGE")
def import_batch_view(form: dict):
    meta = BatchMeta(
        form["name"].strip(),
        form["source"],
        form["due_date"],
        form["takeover_after_escalations"],
        form["takeover_after_hours"],
    )
    result = import_batch(
        current_actor(), meta, _upload("file", True), _upload("photos", False), utcnow()
    )
    return {
        "batch_id": result.batch.id,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "undispatched": result.undispatched,
        "errors": [],
    }


@blp.route("/findings/batches/<int:batch_id>", methods=["GET"])
@require_roles(SUPERVISOR, ADMIN, DISPATCHER)
@blp.arguments(BatchArgs, location="query")
@answers_in(blp, _documents(BatchSummary))
def get_batch(args: dict, batch_id: int):
    batch = db.session.get(FindingBatch, batch_id)
    if batch is None:
        raise not_found("问题清单 / Findings batch")
    summary = batch_summary(batch, current_actor(), utcnow())
    return _document(
        args["format"],
        f"batch-{batch.id}",
        summary,
        lambda embed: summary_html(summary, embed),
        lambda: summary_xlsx(summary),
    )


_CODES = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list)


class CampaignArgs(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    from_date = fields.Date(required=True, data_key="from")
    to_date = fields.Date(required=True, data_key="to")
    zone_codes = _CODES
    point_codes = _CODES
    category_codes = _CODES


@blp.route("/campaigns", methods=["POST"])
@require_roles(SUPERVISOR, ADMIN)
@blp.arguments(CampaignArgs)
@blp.alt_response(201, schema=CampaignOut, success=True)
def create_campaign_view(args: dict):
    campaign = create_campaign(current_actor(), CampaignInput(**args), utcnow())
    return campaign_json(campaign), 201


@blp.route("/campaigns/<int:campaign_id>/report", methods=["GET"])
@require_roles(SUPERVISOR, ADMIN, DISPATCHER)
@blp.arguments(BatchArgs, location="query")
@answers_in(blp, _documents(CampaignReport))
def campaign_report_view(args: dict, campaign_id: int):
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise not_found("专项整治 / Campaign")
    report = campaign_report(campaign, current_actor(), utcnow())
    head, rows = report_table(report)
    title = f"专项整治:{report['name']}({report['from']} 至 {report['to']})"
    return _document(
        args["format"],
        f"campaign-{campaign.id}",
        report,
        lambda _embed: page_html(title, f"<h1>{escape(title)}</h1>" + table_html(head, rows)),
        lambda: workbook([("专项整治", head, rows)]),
    )
