"""Accounts and bearer tokens: creation, login, token lookup and revocation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from ..errors import ApiError, invalid
from ..extensions import db
from ..grid.models import Zone
from ..org.models import Unit
from ..timeutil import utcnow
from .actor import Actor
from .models import Account, ApiToken
from .passwords import check_password, hash_password
from .roles import ROLES, UNIT_STAFF

LOCKOUT_FAILURES = 5
LOCKOUT_MINUTES = 15


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_account(
    username: str,
    password: str,
    role: str,
    unit_code: str | None = None,
    zone_codes: list[str] | None = None,
    display_name: str | None = None,
    phone: str | None = None,
) -> Account:
    if role not in ROLES:
        raise invalid(f"未知角色 {role} / Unknown role", field="role")
    if len(password) < 6:
        raise invalid("密码至少6位 / Password must have at least 6 characters", field="password")
    unit = None
    if unit_code:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise invalid(f"责任单位 {unit_code} 不存在 / Unknown unit", field="unit_code")
    if role == UNIT_STAFF and unit is None:
        raise invalid("责任单位账号必须指定单位 / unit_staff needs --unit", field="unit_code")
    zones = _zones(zone_codes or [])
    account = db.session.scalar(select(Account).where(Account.username == username))
    if account is None:
        account = Account(username=username)
        db.session.add(account)
    account.password_hash = hash_password(password)
    account.role = role
    account.unit = unit
    account.display_name = display_name or account.display_name
    account.phone = phone or account.phone
    account.zones = zones
    db.session.flush()
    return account


def _zones(codes: list[str]) -> list[Zone]:
    zones = []
    for code in codes:
        zone = db.session.scalar(select(Zone).where(Zone.code == code))
        if zone is None:
            raise invalid(f"区域 {code} 不存在 / Unknown zone", field="zone_code")
        zones.append(zone)
    return zones


def login(username: str, password: str, ttl_hours: int) -> tuple[str, ApiToken]:
    """Check the password (with lockout) and issue a bearer token; only its hash is stored."""
    now = utcnow()
    account = db.session.scalar(select(Account).where(Account.username == username))
    bad = ApiError(401, "invalid_credentials", "用户名或密码错误 / Wrong username or password")
    if account is None:
        raise bad
    if account.locked_until and account.locked_until > now:
        seconds = int((account.locked_until - now).total_seconds()) + 1
        raise ApiError(
            429,
            "account_locked",
            "登录失败次数过多,账号暂时锁定 / Too many failed logins, account locked",
            headers={"Retry-After": str(seconds)},
        )
    if not check_password(account.password_hash, password):
        account.failed_logins += 1
        if account.failed_logins >= LOCKOUT_FAILURES:
            account.locked_until = now + timedelta(minutes=LOCKOUT_MINUTES)
            account.failed_logins = 0
        db.session.commit()
        raise bad
    if not account.active:
        raise ApiError(403, "account_disabled", "账号已停用 / Account disabled")
    account.failed_logins = 0
    account.locked_until = None
    token = secrets.token_urlsafe(32)
    row = ApiToken(
        token_hash=token_digest(token), account=account, expires_at=now + timedelta(hours=ttl_hours)
    )
    db.session.add(row)
    db.session.flush()
    return token, row


def actor_for_token(token: str, now: datetime | None = None) -> Actor | None:
    """The caller behind a bearer token, or None when it is unknown, expired, revoked or disabled."""
    now = now or utcnow()
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    account = row.account
    if not account.active:
        return None
    return actor_of(account)


def actor_of(account: Account) -> Actor:
    return Actor(
        account_id=account.id,
        role=account.role,
        unit_id=account.unit_id,
        zone_ids=frozenset(z.id for z in account.zones),
        username=account.username,
    )


def revoke_token(token: str) -> None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
