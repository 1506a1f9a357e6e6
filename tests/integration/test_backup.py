"""deploy/backup and deploy/restore, run as an operator would: back up a database with reports
and photo files, wipe both, restore, and find every row and every file back (and the timeline
chains still verify)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import psycopg
from sqlalchemy import func, select, text

from inspector.extensions import db
from inspector.photos.models import Photo
from inspector.reports.models import Report
from inspector.setup.demo import grid_center
from inspector.workflow.audit import verify_all
from inspector.workflow.models import Case, CaseEvent
from tests import photo_samples as samples

from .photos_fixtures import COMMUNITY

ROOT = Path(__file__).resolve().parents[2]
MODELS = (Report, Case, CaseEvent, Photo)


def _counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {
            m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS
        }
        db.session.remove()
    return counts


def _files(media: Path) -> dict[str, bytes]:
    return {
        p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()
    }


def _run(script: str, app, target: Path) -> None:
    env = dict(
        os.environ,
        INSPECTOR_DATABASE_URL=app.config["DATABASE_URL"],
        INSPECTOR_MEDIA_DIR=app.config["MEDIA_DIR"],
    )
    subprocess.run([str(ROOT / "deploy" / script), str(target)], env=env, check=True, timeout=120)


def _wipe(app) -> None:
    url = app.config["DATABASE_URL"]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///") :]).unlink()
    else:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
    shutil.rmtree(app.config["MEDIA_DIR"])


def test_backup_wipe_restore(demo_app, demo_client, tmp_path: Path) -> None:
    for grid, picture in (("001", samples.jpeg(6, size=(1200, 900))), ("007", samples.heic(1))):
        lat, lon = grid_center(COMMUNITY + grid)
        answer = demo_client.post(
            "/api/v1/reports",
            data={
                "lat": str(lat),
                "lon": str(lon),
                "category_code": "0101",
                "photo": [(io.BytesIO(picture), "a.jpg"), (io.BytesIO(samples.jpeg(3)), "b.jpg")],
            },
            content_type="multipart/form-data",
        )
        assert answer.status_code == 201, answer.get_json()
        answer.close()  # the in-process job makes the derivatives: they are files too
    before = _counts(demo_app)
    assert before == {"report": 2, "case": 2, "case_event": 2, "photo": 4}
    media = Path(demo_app.config["MEDIA_DIR"])
    files = _files(media)
    # 3 distinct originals (b.jpg twice: one object) and their display + thumb derivatives.
    assert len([k for k in files if k.startswith("originals/")]) == 3
    assert len([k for k in files if k.startswith("derived/")]) == 6

    backup = tmp_path / "backup"
    _run("backup", demo_app, backup)
    assert (backup / "media.count").read_text().strip() == "9"

    _wipe(demo_app)
    assert not media.exists()
    with demo_app.app_context():
        tables = db.session.execute(
            text("SELECT count(*) FROM sqlite_master WHERE type='table'")
            if demo_app.config["DATABASE_URL"].startswith("sqlite")
            else text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        ).scalar()
        db.session.remove()
        db.engine.dispose()  # a restore replaces the database: no connection may outlive it
    assert tables == 0

    _run("restore", demo_app, backup)
    assert _counts(demo_app) == before
    assert _files(media) == files
    with demo_app.app_context():
        assert verify_all() == []  # keyed chains and anchors came back intact
        db.session.remove()
    shown = demo_client.get(
        "/api/v1/zones/locate",
        query_string=dict(zip(("lat", "lon"), grid_center(COMMUNITY + "001"), strict=True)),
    )
    assert shown.status_code == 200
