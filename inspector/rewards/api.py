"""有奖举报 over HTTP: one's own ledger, staff's view of a person's ledger, the monthly board."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..access.auth import current_actor, public, require_roles
from ..access.limits import rate_limited
from ..access.roles import ADMIN, DISPATCHER, ROLES, SUPERVISOR
from ..apidoc import BINARY, CSV, Answer
from ..errors import invalid
from ..pagination import PageArgs
from ..schemas import Int
from ..supervision.periods import PeriodError
from ..supervision.periods import month as parse_month
from ..timeutil import utcnow
from . import payout, rules
from .service import account_ledger, leaderboard, ledger

blp = Blueprint("rewards", __name__, description="有奖举报 / Rewards for tips")

# The command centre answers residents' questions about their points; supervision audits them.
LEDGER_READERS = (DISPATCHER, SUPERVISOR, ADMIN)


class EntryOut(Answer):
    """One ledger line: points > 0 earned, 0 denied (the reason says why), < 0 taken back."""

    id = Int(required=True)
    points = Int(required=True)
    code = fields.String(required=True)
    reason = fields.String(required=True)
    case_id = Int(required=True)
    case_number = fields.String(allow_none=True)
    report_id = Int(allow_none=True)
    month = fields.String(required=True)
    reverses = Int(allow_none=True)
    at = fields.String(required=True)


class RewardMonthOut(Answer):
    month = fields.String(required=True)
    points = Int(required=True)
    cap = Int(required=True)
    remaining = Int(required=True)


class LedgerOut(Answer):
    balance = Int(required=True)
    this_month = fields.Nested(RewardMonthOut, required=True)
    items = fields.List(fields.Nested(EntryOut), required=True)
    next_cursor = fields.String(allow_none=True)


class RewardAccountOut(Answer):
    username = fields.String(required=True)
    display_name = fields.String(allow_none=True)
    role = fields.String(required=True)
    role_name = fields.String(required=True)
    phone = fields.String(allow_none=True)


class AccountLedgerOut(LedgerOut):
    account = fields.Nested(RewardAccountOut, required=True)


class StandingOut(Answer):
    rank = Int(required=True)
    name = fields.String(required=True)
    phone = fields.String(allow_none=True)
    points = Int(required=True)
    tips = Int(required=True)


class BoardOut(Answer):
    month = fields.String(required=True)
    items = fields.List(fields.Nested(StandingOut), required=True)


@blp.route("/rewards/me", methods=["GET"])
@blp.route("/rewards/mine", methods=["GET"])
@require_roles(*ROLES)
@blp.arguments(PageArgs, location="query")
@blp.alt_response(200, schema=LedgerOut, success=True)
def my_rewards(args: dict):
    """api.md `/rewards/me`; `/rewards/mine` is the same answer."""
    return ledger(current_actor().account_id, args, utcnow())


@blp.route("/rewards/accounts/<string:username>", methods=["GET"])
@require_roles(*LEDGER_READERS)
@blp.arguments(PageArgs, location="query")
@blp.alt_response(200, schema=AccountLedgerOut, success=True)
def account_rewards(args: dict, username: str):
    return account_ledger(username, current_actor(), args, utcnow())


class BoardArgs(Schema):
    month = fields.String(load_default=None, validate=validate.Length(max=7))
    limit = Int(load_default=50, validate=validate.Range(min=1, max=200))


def _month(text: str | None) -> str:
    """`YYYY-MM` (China calendar); none given: this month. 422 when written wrongly."""
    month = text or rules.china_month(utcnow())
    try:
        parse_month(month)
    except PeriodError as exc:
        raise invalid(str(exc), field="month") from exc
    return month


@blp.route("/rewards/leaderboard", methods=["GET"])
@public("有奖举报 results are announced (公示): names and phones masked, no ids")
@rate_limited("public")
@blp.arguments(BoardArgs, location="query")
@blp.alt_response(200, schema=BoardOut, success=True)
def reward_leaderboard(args: dict):
    return leaderboard(_month(args["month"]), args["limit"])


class PayoutArgs(Schema):
    month = fields.String(required=True, validate=validate.Length(max=7))


def _attachment(month: str, ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="rewards-{month}.{ext}"'}


@blp.route("/rewards/payout.csv", methods=["GET"])
@require_roles(ADMIN)
@blp.arguments(PayoutArgs, location="query")
@blp.alt_response(200, schema=CSV, content_type="text/csv", success=True)
def payout_csv(args: dict):
    """发放清单: whole names and phones, so admins only."""
    month = _month(args["month"])
    body = payout.as_csv(payout.payout_rows(month))
    return Response(body, mimetype="text/csv", headers=_attachment(month, "csv"))


@blp.route("/rewards/payout.xlsx", methods=["GET"])
@require_roles(ADMIN)
@blp.arguments(PayoutArgs, location="query")
@blp.alt_response(
    200,
    schema=BINARY,
    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    success=True,
)
def payout_xlsx(args: dict):
    month = _month(args["month"])
    body = payout.as_xlsx(payout.payout_rows(month), month)
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers=_attachment(month, "xlsx"))
