"""`flask photos sweep`: remove stored files that no row refers to; `flask photos derive`.

Why a sweep: an original is fsynced BEFORE its row is written, so a committed row always has
its file. The price is the opposite leftover: a crash (or a rolled-back request) between the
file and the commit leaves a file without a row. Such files are only removed once older than
a grace period, so a request still in flight keeps the file it just wrote; `put` refreshes an
existing file's mtime for the same reason (re-upload of an identical photo during a sweep).
"""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from .models import Photo
from .service import ensure_derivatives, storage, unreferenced_shas
from .storage import TMP_PREFIX

photos_cli = AppGroup("photos", help="照片存储维护 / Photo storage upkeep")


def sweep(older_than_minutes: float) -> int:
    store = storage()
    cutoff = time.time() - older_than_minutes * 60
    removed = 0
    for prefix in ("originals", "derived"):
        candidates: dict[str, list[str]] = {}
        for obj in store.list(prefix):
            if obj.modified_at >= cutoff:
                continue
            name = obj.key.rsplit("/", 1)[-1]
            if name.startswith(TMP_PREFIX):  # a write that crashed before its rename
                removed += store.delete_if_older(obj.key, cutoff)
                continue
            candidates.setdefault(name[:64], []).append(obj.key)
        for sha in unreferenced_shas(set(candidates)):
            for key in candidates[sha]:
                removed += store.delete_if_older(key, cutoff)
    return removed


@photos_cli.command("sweep")
@click.option("--older-than-minutes", default=60.0, show_default=True, type=float)
def sweep_command(older_than_minutes: float) -> None:
    """Remove stored files without a photo row (crash leftovers) older than the grace period."""
    removed = sweep(older_than_minutes)
    click.echo(f"已清理 {removed} 个无主文件 / removed {removed} orphaned files")


@photos_cli.command("derive")
@click.option("--limit", default=500, show_default=True, type=int)
def derive_command(limit: int) -> None:
    """Make derivatives and perceptual hashes for photos not viewed yet (e.g. from cron)."""
    ids = db.session.scalars(select(Photo.id).where(Photo.phash.is_(None)).limit(limit)).all()
    done = 0
    for photo_id in ids:
        photo = db.session.get(Photo, photo_id)
        try:
            ensure_derivatives(photo)
        except Exception as exc:  # noqa: BLE001 - one undecodable photo must not stop the rest
            db.session.rollback()
            click.echo(f"photo {photo_id}: {exc}", err=True)
            continue
        db.session.commit()
        done += 1
    click.echo(f"已生成 {done} 张照片的缩略图 / derived {done} photos")
