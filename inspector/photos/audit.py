"""`audit storage`, for photos: every row has its object with its bytes; no object lacks a row.

An original is written (and fsynced) before its row is committed, so a crash can only leave the
opposite leftover, an object without a row; `photos sweep` removes those once older than a grace
period. This check says whether that promise held: a row whose object is missing or whose bytes
no longer hash to the row's SHA-256 is evidence lost; an object without a row older than the
grace period is a leftover nobody swept (young ones belong to uploads still in flight).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from .models import Photo
from .service import storage, unreferenced_shas
from .storage import TMP_PREFIX, BadKey, check_key, original_key


@dataclass(frozen=True)
class StorageFinding:
    """One problem `audit storage` found; reports/audit.py's exactly-once checks use it too."""

    kind: str  # missing_object | hash_mismatch | bad_key | orphan_object | duplicate_report ...
    subject: str  # the object's key, or the report's client_id
    ids: tuple[int, ...] = ()  # the photo (or report) rows concerned
    detail: str = ""

    def describe(self) -> str:
        rows = f" (id {', '.join(map(str, self.ids))})" if self.ids else ""
        return f"{self.kind}: {self.subject}{rows} {self.detail}".rstrip()


def _digest(key: str) -> str:
    store = storage()
    h = hashlib.sha256()
    body = store.open(key)
    try:
        for chunk in iter(lambda: body.read(1 << 20), b""):
            h.update(chunk)
    finally:
        body.close()
    return h.hexdigest()


def check_rows() -> list[StorageFinding]:
    """Each stored object a row names is read once, however many rows share it."""
    by_key: dict[tuple[str, str], list[int]] = {}
    for photo_id, sha, key in db.session.execute(
        select(Photo.id, Photo.sha256, Photo.storage_key).order_by(Photo.id)
    ):
        by_key.setdefault((key, sha), []).append(photo_id)
    findings = []
    for (key, sha), ids in by_key.items():
        try:
            if check_key(key) != original_key(sha):
                raise BadKey(key)
        except BadKey:
            detail = "存储键与 SHA-256 不符 / storage key does not derive from the row's SHA-256"
            findings.append(StorageFinding("bad_key", key, tuple(ids), detail))
            continue
        try:
            actual = _digest(key)
        except FileNotFoundError:
            findings.append(
                StorageFinding("missing_object", key, tuple(ids), "对象缺失 / object missing")
            )
            continue
        if actual != sha:
            detail = f"内容摘要为 {actual} / bytes hash to {actual}"
            findings.append(StorageFinding("hash_mismatch", key, tuple(ids), detail))
    return findings


def check_orphans(grace_seconds: float, now: float | None = None) -> list[StorageFinding]:
    """Objects (originals, derivatives, crashed writes' temporary files) that no row refers to,
    last written before the grace period began."""
    cutoff = (now if now is not None else time.time()) - grace_seconds
    store = storage()
    old: dict[str, list[str]] = {}
    findings = []
    for prefix in ("originals", "derived"):
        for obj in store.list(prefix):
            if obj.modified_at >= cutoff:
                continue
            name = obj.key.rsplit("/", 1)[-1]
            if name.startswith(TMP_PREFIX):
                detail = "未完成的写入 / an interrupted write"
                findings.append(StorageFinding("orphan_object", obj.key, (), detail))
            else:
                old.setdefault(name[:64], []).append(obj.key)
    for sha in sorted(unreferenced_shas(set(old))):
        for key in sorted(old[sha]):
            findings.append(StorageFinding("orphan_object", key, (), "无照片记录 / no photo row"))
    return findings
