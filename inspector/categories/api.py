"""City set-up: categories. Listing is public: the 随手拍 page offers them to residents."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..access.auth import public, require_roles
from ..access.roles import ADMIN
from ..pagination import PageArgs, page_of, paginate
from ..schemas import Int
from .models import FAMILIES, TIME_UNITS, Category
from .schemas import CategoryOut
from .service import category_json, upsert_category

blp = Blueprint("categories", __name__, description="问题类别 / Categories")


class TimeLimit(Schema):
    value = Int(required=True, strict=True, validate=validate.Range(min=1, max=10000))
    unit = fields.String(required=True, validate=validate.OneOf(TIME_UNITS))


class CategoryArgs(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    name = fields.String(required=True, validate=validate.Length(min=1, max=80))
    name_en = fields.String(load_default=None)
    family = fields.String(required=True, validate=validate.OneOf(FAMILIES))
    time_limit = fields.Nested(TimeLimit, required=True)
    default_unit_code = fields.String(load_default=None)
    filing_condition = fields.String(load_default=None)
    closing_condition = fields.String(load_default=None)


@blp.route("/categories", methods=["POST"])
@require_roles(ADMIN)
@blp.arguments(CategoryArgs)
@blp.alt_response(201, schema=CategoryOut, success=True)
def create_category(args: dict):
    cat = upsert_category(**args)
    body = category_json(cat)
    return body, 201


@blp.route("/categories", methods=["GET"])
@public("随手拍页面向市民列出类别 / the snap page offers categories to residents")
@blp.arguments(PageArgs, location="query")
@blp.alt_response(200, schema=page_of(CategoryOut), success=True)
def list_categories(args: dict):
    return paginate(
        select(Category).where(Category.active.is_(True)), Category.id, args, category_json
    )
