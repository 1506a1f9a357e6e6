"""POST /auth/token (login), DELETE /auth/token (logout), GET /me."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..http import commit
from ..timeutil import iso_local
from .auth import bearer_token, current_actor, require_roles
from .roles import ROLES
from .service import login, revoke_token

blp = Blueprint("auth", __name__, description="登录与令牌 / Authentication")


class LoginArgs(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True)


@blp.route("/auth/token", methods=["POST"])
@blp.arguments(LoginArgs)
def issue_token(args: dict):
    token, row = login(args["username"], args["password"], current_app.config["TOKEN_TTL_HOURS"])
    account = row.account
    body = {
        "token": token,
        "role": account.role,
        "unit_code": account.unit.code if account.unit else None,
        "zone_codes": [z.code for z in account.zones],
        "expires_at": iso_local(row.expires_at),
    }
    commit()
    return body


@blp.route("/auth/token", methods=["DELETE"])
@require_roles(*ROLES)
def delete_token():
    revoke_token(bearer_token() or "")
    commit()
    return "", 204


@blp.route("/me", methods=["GET"])
@require_roles(*ROLES)
def me():
    actor = current_actor()
    return {"username": actor.username, "role": actor.role}
