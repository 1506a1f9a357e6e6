"""City set-up: responsible units."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..access.auth import require_roles
from ..access.idempotency import idempotent
from ..access.roles import ADMIN, STAFF_ROLES
from ..pagination import PageArgs, page_of, paginate
from .models import UNIT_KINDS, Unit
from .schemas import UnitOut
from .service import unit_json, upsert_unit

blp = Blueprint("units", __name__, description="责任单位 / Responsible units")


class UnitArgs(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    kind = fields.String(load_default="department", validate=validate.OneOf(UNIT_KINDS))
    head_name = fields.String(load_default=None)


@blp.route("/units", methods=["POST"])
@require_roles(ADMIN)
@idempotent
@blp.arguments(UnitArgs)
@blp.alt_response(201, schema=UnitOut, success=True)
def create_unit(args: dict):
    unit = upsert_unit(args["code"], args["name"], args["kind"], args["head_name"])
    body = unit_json(unit)
    return body, 201


@blp.route("/units", methods=["GET"])
@require_roles(*STAFF_ROLES)
@blp.arguments(PageArgs, location="query")
@blp.alt_response(200, schema=page_of(UnitOut), success=True)
def list_units(args: dict):
    return paginate(select(Unit), Unit.id, args, unit_json)
