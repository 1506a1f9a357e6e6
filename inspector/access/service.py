"""Accounts and bearer tokens: creation, login, token lookup and revocation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, select

from ..errors import ApiError, conflict, invalid, not_found
from ..extensions import db
from ..grid.models import Zone
from ..grid.service import zone_by_code
from ..org.service import unit_by_code
from ..timeutil import utcnow
from . import lockout
from .actor import Actor
from .models import Account, AccountZone, ApiToken
from .passwords import check_password, hash_password
from .roles import ADMIN, DISPATCHER, GRID_WORKER, ROLES, SUPERVISOR, UNIT_STAFF, VOLUNTEER

# Roles bound to places: grids for patrols, a district (or any zone) for a district's staff.
ZONE_ROLES = (GRID_WORKER, VOLUNTEER, DISPATCHER, SUPERVISOR, ADMIN)


@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so both failures take the same time."""
    return hash_password("inspector-timing-equaliser")


def token_digest(token: str) -> str:
    """SHA-256 of a bearer or tracking token: only digests are stored, so a DB leak leaks none."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_account(
    username: str,
    password: str,
    role: str,
    unit_code: str | None = None,
    zone_codes: list[str] | None = None,
    display_name: str | None = None,
    phone: str | None = None,
    replace: bool = True,
    password_hash: str | None = None,
) -> Account:
    """Create an account (or, with `replace`, reset an existing one: the CLI and demo are upserts).

    `password_hash`: an argon2 hash made earlier (bulk imports), used instead of hashing `password`.
    """
    if role not in ROLES:
        raise invalid(f"未知角色 {role} / Unknown role", field="role")
    if len(password) < 6:
        raise invalid("密码至少6位 / Password must have at least 6 characters", field="password")
    unit = None
    if unit_code:
        unit = unit_by_code(unit_code)
    if role == UNIT_STAFF and unit is None:
        raise invalid("责任单位账号必须指定单位 / unit_staff needs --unit", field="unit_code")
    if unit is not None and role != UNIT_STAFF:
        raise invalid(
            "只有责任单位账号属于单位 / Only unit_staff belong to a unit", field="unit_code"
        )
    if zone_codes and role not in ZONE_ROLES:
        raise invalid(
            f"角色 {role} 不绑定区域 / Role {role} is not bound to zones", field="zone_codes"
        )
    zones = _zones(zone_codes or [])
    account = db.session.scalar(select(Account).where(Account.username == username))
    if account is not None and not replace:
        raise conflict("username_taken", f"用户名 {username} 已存在 / Username already taken")
    if account is None:
        account = Account(username=username)
        db.session.add(account)
    account.password_hash = password_hash or hash_password(password)
    account.role = role
    account.unit = unit
    account.display_name = display_name or account.display_name
    account.phone = phone or account.phone
    account.zones = zones
    db.session.flush()
    return account


def _zones(codes: list[str]) -> list[Zone]:
    return [zone_by_code(code) for code in codes]


def login(username: str, password: str, ttl_hours: int) -> tuple[str, ApiToken]:
    """Check the password and issue a bearer token; only its hash is stored.

    The caller has counted the attempt first (`lockout.claim_attempt`, committed). Unknown name,
    wrong password and disabled account give the same answer after the same work (one argon2
    verification), so neither the answer nor its timing tells which it was.
    """
    now = utcnow()
    account = db.session.scalar(select(Account).where(Account.username == username))
    valid = check_password(account.password_hash if account else _dummy_hash(), password)
    if account is None or not valid or not account.active:
        raise ApiError(401, "invalid_credentials", "用户名或密码错误 / Wrong username or password")
    lockout.clear(username)
    return issue_token(account, ttl_hours, now)


def issue_token(
    account: Account, ttl_hours: int, now: datetime | None = None
) -> tuple[str, ApiToken]:
    """A new bearer token for an account; only its SHA-256 is stored, so a DB leak leaks no token."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = ApiToken(
        token_hash=token_digest(token), account=account, expires_at=now + timedelta(hours=ttl_hours)
    )
    db.session.add(row)
    db.session.flush()
    return token, row


# Built once (every request runs it): a statement built per call costs SQLAlchemy as much Python
# again as its execution, deriving the new statement's cache key; a kept one has it.
_TOKEN_ROWS = (
    select(
        ApiToken.revoked_at,
        ApiToken.expires_at,
        Account.id,
        Account.role,
        Account.unit_id,
        Account.username,
        Account.active,
        Zone.id.label("zone_id"),
        Zone.level.label("zone_level"),
    )
    .join(Account, Account.id == ApiToken.account_id)
    .outerjoin(AccountZone, AccountZone.account_id == Account.id)
    .outerjoin(Zone, Zone.id == AccountZone.zone_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def actor_for_token(token: str, now: datetime | None = None) -> Actor | None:
    """The caller behind a bearer token, or None when it is unknown, expired, revoked or disabled."""
    now = now or utcnow()
    # Every request asks this: read the few columns an Actor needs, not the ORM rows (the
    # account's zones load with their polygons), in one statement: a row per zone of the account
    # (one row with no zone when it has none).
    rows = db.session.execute(_TOKEN_ROWS, {"token_hash": token_digest(token)}).all()
    row = rows[0] if rows else None
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.active:
        return None
    zones = [(r.zone_id, r.zone_level) for r in rows if r.zone_id is not None]
    return _actor(row.id, row.role, row.unit_id, row.username, zones)


def actor_of(account: Account) -> Actor:
    zones = [(z.id, z.level) for z in account.zones]  # loaded with the account (selectin)
    return _actor(account.id, account.role, account.unit_id, account.username, zones)


def _actor(
    account_id: int, role: str, unit_id: int | None, username: str, zones: list[tuple[int, str]]
) -> Actor:
    """Both ways to a caller build him the same: his zones by level, which the visibility
    clauses (workflow.queries) test each against its own level's column."""
    by_level: dict[str, set[int]] = {}
    for zone_id, level in zones:
        by_level.setdefault(level, set()).add(zone_id)
    return Actor(
        account_id=account_id,
        role=role,
        unit_id=unit_id,
        zone_ids=frozenset(zone_id for zone_id, _level in zones),
        username=username,
        zones_by_level=tuple((level, frozenset(ids)) for level, ids in sorted(by_level.items())),
    )


def revoke_token(token: str) -> None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def get_account(username: str) -> Account:
    account = db.session.scalar(select(Account).where(Account.username == username))
    if account is None:
        raise not_found("账号 / Account")
    return account


def set_active(username: str, active: bool, by: Actor) -> Account:
    """Disable (tokens revoked at once, history and name kept) or enable an account."""
    account = get_account(username)
    if not active and account.id == by.account_id:
        raise conflict("cannot_disable_self", "不能停用自己的账号 / You cannot disable yourself")
    account.active = active
    if active:
        lockout.clear(account.username)
    else:
        revoke_all_tokens(account.id)
    db.session.flush()
    return account


def revoke_all_tokens(account_id: int) -> int:
    now = utcnow()
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.account_id == account_id, ApiToken.revoked_at.is_(None))
    ).all()
    for row in rows:
        row.revoked_at = now
    return len(rows)
