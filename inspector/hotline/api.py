"""12345 hotline over HTTP: import an export, draw the callback sample, record callbacks."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..access.auth import current_actor, require_roles
from ..access.roles import ADMIN, DISPATCHER, SUPERVISOR
from ..apidoc import BINARY, body_doc
from ..errors import invalid
from ..schemas import Int
from ..timeutil import utcnow
from .callbacks import OUTCOMES, record, sample
from .schemas import CallbackOut, CallbackSample, HotlineImported
from .service import import_file

blp = Blueprint("hotline", __name__, description="12345热线工单 / 12345 hotline")

# The command centre imports and calls back; supervision checks the sample and calls too.
HOTLINE_ROLES = (DISPATCHER, SUPERVISOR, ADMIN)


class HotlineUpload(Schema):
    """Documents the upload read by hand below (request.files)."""

    file = fields.Raw(required=True, metadata={**BINARY, "description": "12345 导出 CSV/XLSX"})


@blp.route("/hotline/import", methods=["POST"])
@require_roles(DISPATCHER, ADMIN)
@blp.doc(**body_doc(HotlineUpload, "multipart/form-data"))
@blp.alt_response(200, schema=HotlineImported, success=True)
def import_hotline():
    upload = request.files.get("file")
    if upload is None:
        raise invalid("需要上传文件 file(CSV 或 XLSX)/ multipart `file` is required", field="file")
    result = import_file(current_actor(), upload.read(), upload.filename or "", utcnow())
    return result.as_json()


class SampleArgs(Schema):
    size = Int(load_default=200, validate=validate.Range(min=1, max=2000))
    months = Int(load_default=6, validate=validate.Range(min=1, max=36))
    seed = Int(load_default=None, validate=validate.Range(min=0, max=2**31 - 1))


@blp.route("/hotline/callbacks", methods=["GET"])
@require_roles(*HOTLINE_ROLES)
@blp.arguments(SampleArgs, location="query")
@blp.alt_response(200, schema=CallbackSample, success=True)
def callback_sample(args: dict):
    return sample(utcnow(), args["size"], args["months"], args["seed"])


class CallbackArgs(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(tuple(OUTCOMES)))
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


@blp.route("/hotline/callbacks/<int:case_id>", methods=["POST"])
@require_roles(*HOTLINE_ROLES)
@blp.arguments(CallbackArgs)
@blp.alt_response(200, schema=CallbackOut, success=True)
@blp.alt_response(409, "CONFLICT")
def record_callback(args: dict, case_id: int):
    return record(current_actor(), case_id, args["outcome"], args["note"], utcnow())
