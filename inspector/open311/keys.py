"""Open311 API keys: made and revoked on the command line, printed once, stored as sha256.

A key is 32 random bytes, so a plain sha256 (not a slow password hash) is enough: nobody can
guess one, and every POST can check its key with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select

from ..errors import ApiError, not_found
from ..extensions import db
from .models import Open311Key

KEY_PREFIX = "o311_"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(name: str, now: datetime) -> tuple[Open311Key, str]:
    """A new key for a connected system; returns the row and the key (shown once)."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ApiError(422, "invalid_input", "名称须为 1–80 个字符 / name must be 1-80 characters")
    if db.session.scalar(select(Open311Key.id).where(Open311Key.name == name)) is not None:
        raise ApiError(409, "name_taken", f"名称 {name} 已被使用 / name {name} already used")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = Open311Key(name=name, key_hash=key_hash(key), created_at=now)
    db.session.add(row)
    db.session.flush()
    return row, key


def revoke_key(name: str, now: datetime) -> Open311Key:
    row = db.session.scalar(select(Open311Key).where(Open311Key.name == name.strip()))
    if row is None:
        raise not_found(f"Open311 密钥 {name} / Open311 key {name}")
    if row.revoked_at is None:
        row.revoked_at = now
        db.session.flush()
    return row


def active_key(key: str | None) -> Open311Key | None:
    """The key row for a presented key, or None (missing, unknown or revoked)."""
    if not key:
        return None
    row = db.session.scalar(select(Open311Key).where(Open311Key.key_hash == key_hash(key)))
    return row if row is not None and row.revoked_at is None else None
