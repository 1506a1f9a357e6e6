"""Login and logout, the caller's own account (GET /me), account management for admins."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..extensions import db
from ..http import commit_step
from ..pagination import PageArgs, page_of, paginate
from ..timeutil import iso_local, utcnow
from .auth import bearer_token, current_actor, public, require_roles
from .idempotency import idempotent
from .limits import rate_limited
from .lockout import claim_attempt
from .models import Account
from .policy import can_see_account_phone
from .present import account_json
from .queries import account_list
from .roles import ADMIN, ROLES
from .schemas import AccountOut, MeOut, TokenOut
from .service import create_account, login, revoke_token, set_active

blp = Blueprint("auth", __name__, description="登录、令牌与账号 / Authentication and accounts")


class LoginArgs(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class AccountArgs(Schema):
    username = fields.String(
        required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.@-]{2,80}$", error="2–80 位字母数字")
    )
    password = fields.String(required=True, validate=validate.Length(min=8, max=200))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    unit_code = fields.String(load_default=None)
    zone_codes = fields.List(fields.String(), load_default=list)
    display_name = fields.String(load_default=None, validate=validate.Length(max=80))
    phone = fields.String(load_default=None, validate=validate.Regexp(r"^\+?[0-9 -]{5,20}$"))


class AccountListArgs(PageArgs):
    role = fields.String(load_default=None, validate=validate.OneOf(ROLES))
    unit_code = fields.String(load_default=None)
    active = fields.Boolean(load_default=None)


@blp.route("/auth/token", methods=["POST"])
@public("登录本身 / logging in is how one stops being anonymous")
@rate_limited("login")
@blp.arguments(LoginArgs)
@blp.alt_response(200, schema=TokenOut, success=True)
def issue_token(args: dict):
    # Counted and committed before the password is checked: parallel guesses cannot outrun it.
    commit_step(lambda: claim_attempt(args["username"], utcnow()))
    token, row = login(args["username"], args["password"], current_app.config["TOKEN_TTL_HOURS"])
    account = row.account
    body = {
        "token": token,
        "role": account.role,
        "unit_code": account.unit.code if account.unit else None,
        "zone_codes": sorted(z.code for z in account.zones),
        "expires_at": iso_local(row.expires_at),
    }
    return body


@blp.route("/auth/token", methods=["DELETE"])
@require_roles(*ROLES)
@blp.alt_response(204, description="令牌已注销 / token revoked", success=True)
def delete_token():
    revoke_token(bearer_token() or "")
    return "", 204


@blp.route("/me", methods=["GET"])
@require_roles(*ROLES)
@blp.alt_response(200, schema=MeOut, success=True)
def me():
    actor = current_actor()
    account = db.session.get(Account, actor.account_id)
    body = account_json(account, with_phone=can_see_account_phone(actor, account.id))
    body["unit"] = {"code": account.unit.code, "name": account.unit.name} if account.unit else None
    body["zones"] = [
        {"code": z.code, "name": z.name, "level": z.level}
        for z in sorted(account.zones, key=lambda z: z.code)
    ]
    return body


@blp.route("/accounts", methods=["POST"])
@require_roles(ADMIN)
@idempotent
@blp.arguments(AccountArgs)
@blp.alt_response(201, schema=AccountOut, success=True)
def create_account_view(args: dict):
    account = create_account(**args, replace=False)
    body = account_json(account, with_phone=True)
    return body, 201


@blp.route("/accounts", methods=["GET"])
@require_roles(ADMIN)
@blp.arguments(AccountListArgs, location="query")
@blp.alt_response(200, schema=page_of(AccountOut), success=True)
def list_accounts(args: dict):
    query = account_list(args["role"], args["unit_code"], args["active"])
    actor = current_actor()
    return paginate(
        query, Account.id, args, lambda a: account_json(a, can_see_account_phone(actor, a.id))
    )


def _set_active(username: str, active: bool) -> dict:
    account = set_active(username, active, current_actor())
    body = account_json(account, with_phone=True)
    return body


@blp.route("/accounts/<username>/disable", methods=["POST"])
@require_roles(ADMIN)
@blp.alt_response(200, schema=AccountOut, success=True)
def disable_account(username: str):
    """Stop an account: its tokens die at once; its reports and case history stay."""
    return _set_active(username, False)


@blp.route("/accounts/<username>/enable", methods=["POST"])
@require_roles(ADMIN)
@blp.alt_response(200, schema=AccountOut, success=True)
def enable_account(username: str):
    return _set_active(username, True)
