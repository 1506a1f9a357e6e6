"""Accounts, their zone bindings, bearer tokens, idempotency records, login failures and the
shared counters of the abuse limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dbtypes import UTCDateTime
from ..extensions import db
from ..timeutil import utcnow
from .roles import ROLES

_ROLE_LIST = ", ".join(f"'{r}'" for r in ROLES)


class Account(db.Model):
    __tablename__ = "account"
    __table_args__ = (
        CheckConstraint(f"role IN ({_ROLE_LIST})", name="role_known"),
        CheckConstraint("role <> 'unit_staff' OR unit_id IS NOT NULL", name="unit_staff_has_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str | None] = mapped_column(String(80))
    phone: Mapped[str | None] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit = relationship("Unit")
    zones = relationship("Zone", secondary="account_zone", lazy="selectin")


class AccountZone(db.Model):
    """Grids a grid worker or volunteer patrols; the district a dispatcher or supervisor covers."""

    __tablename__ = "account_zone"

    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), primary_key=True)


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account = relationship("Account")


class IdempotencyRecord(db.Model):
    """The first answer to a request carrying an Idempotency-Key; the unique key makes retries safe."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(120))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column()
    response_body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginFailure(db.Model):
    """Failed (or still running) password checks per login name, known account or not.

    One row per name, counted with a single UPDATE before the password is checked, so parallel
    guesses cannot outrun the lockout, and an unknown name locks exactly like a real one.
    """

    __tablename__ = "login_failure"

    username: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class RateCounter(db.Model):
    """A fixed-window counter of the abuse limits (inspector.access.limit_store): every worker
    and host on the database shares it when no Redis is configured."""

    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[float] = mapped_column(
        Float, index=True
    )  # epoch seconds, as `limits` has it


Index("ix_api_token_expires", ApiToken.expires_at)
