"""POST /findings/batches (import a 问题清单), GET /findings/batches/<id>[?format=json|html|xlsx]."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..access.auth import current_actor, require_roles
from ..access.roles import ADMIN, DISPATCHER, SUPERVISOR
from ..errors import ApiError, not_found
from ..extensions import db
from ..timeutil import utcnow
from .importer import BatchMeta, import_batch
from .models import BATCH_SOURCES, FindingBatch
from .report import batch_summary, summary_html, summary_xlsx

blp = Blueprint("findings", __name__, description="问题清单 / Findings lists")

_FILE = fields.Raw(metadata={"type": "string", "format": "binary"}, load_default=None)


class BatchForm(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    source = fields.String(required=True, validate=validate.OneOf(tuple(BATCH_SOURCES)))
    due_date = fields.Date(load_default=None)
    # The files arrive in request.files; these fields only document them in OpenAPI.
    file = _FILE
    photos = _FILE


class BatchArgs(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "html", "xlsx")))


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
def import_batch_view(form: dict):
    meta = BatchMeta(form["name"].strip(), form["source"], form["due_date"])
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
def get_batch(args: dict, batch_id: int):
    batch = db.session.get(FindingBatch, batch_id)
    if batch is None:
        raise not_found("问题清单 / Findings batch")
    summary = batch_summary(batch, current_actor(), utcnow())
    if args["format"] == "html":
        return Response(summary_html(summary), mimetype="text/html")
    if args["format"] == "xlsx":
        return Response(
            summary_xlsx(summary),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="batch-{batch.id}.xlsx"'},
        )
    return summary
