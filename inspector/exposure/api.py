"""POST /cases/<id>/expose (supervisor), GET /public/exposure and its blurred photos (anyone)."""

from __future__ import annotations

from flask import send_file
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access.auth import current_actor, public, require_roles
from ..access.limits import rate_limited
from ..access.roles import SUPERVISOR
from ..apidoc import BINARY
from ..pagination import PageArgs, page_of, paginate
from ..timeutil import utcnow
from ..workflow.models import Case
from ..workflow.service import load_case
from .models import CaseExposure
from .schemas import ExposureOut
from .service import expose, exposed_photo, exposure_json

blp = Blueprint("exposure", __name__, description="曝光台 / Public exposure")


class ExposeArgs(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))


@blp.route("/cases/<int:case_id>/expose", methods=["POST"])
@require_roles(SUPERVISOR)
@blp.arguments(ExposeArgs)
@blp.alt_response(200, schema=ExposureOut, success=True)
@blp.alt_response(409, "CONFLICT")
def expose_case(args: dict, case_id: int):
    case = load_case(case_id, current_actor())
    return exposure_json(expose(case, current_actor(), args["note"].strip(), utcnow()))


@blp.route("/public/exposure", methods=["GET"])
@public("曝光台 is public by design: rounded places, blurred photos, no reporter")
@rate_limited("public")
@blp.arguments(PageArgs, location="query")
@blp.alt_response(200, schema=page_of(ExposureOut), success=True)
def list_exposure(args: dict):
    query = select(CaseExposure).options(
        selectinload(CaseExposure.case).selectinload(Case.reports),
        selectinload(CaseExposure.case).selectinload(Case.events),
    )
    return paginate(query, CaseExposure.id, args, exposure_json)


@blp.route("/public/exposure/photos/<int:photo_id>.jpg", methods=["GET"])
@public("blurred, EXIF-free photos of exposed cases only; any other photo answers 404")
@rate_limited("public")
@blp.alt_response(200, schema=BINARY, content_type="image/jpeg", success=True)
@blp.alt_response(304, description="未修改 / not modified (ETag)", success=True)
def blurred_photo(photo_id: int):
    photo, stream = exposed_photo(photo_id)
    response = send_file(
        stream, mimetype="image/jpeg", etag=f"{photo.sha256}-blurred", conditional=True
    )
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
