"""`flask audit storage` on both databases and both photo stores: each kind of damage is planted
the way a crash, a disk or an operator would leave it, and the audit names exactly that.

Planted: a photo row whose object is gone, one whose object's bytes changed, an object without
a row written long ago (flagged) and one just now (an upload in flight: not flagged), a second
report with an existing client_id (the unique constraint dropped first, as a restored dump
without it would be), an acknowledged client_id the database never got, and a case row edited
without a timeline event.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import insert, select, text

from inspector.extensions import db
from inspector.photos.audit import check_orphans
from inspector.photos.models import Photo
from inspector.reports.models import Report
from inspector.workflow.models import Case

from .flows import new_client_id, photo, post_report, spot


def ok(response) -> dict:
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def original(sha: str) -> str:
    return f"originals/{sha[:2]}/{sha[2:4]}/{sha}"


class LocalStore:
    def __init__(self, app) -> None:
        self.root = Path(app.config["MEDIA_DIR"])

    def remove(self, key: str) -> None:
        (self.root / key).unlink()

    def write(self, key: str, data: bytes, age_s: float = 0) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if age_s:
            stamp = time.time() - age_s
            os.utime(path, (stamp, stamp))


class S3Store:
    def __init__(self, server, bucket: str) -> None:
        self.client, self.bucket = server.client(), bucket

    def remove(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def write(self, key: str, data: bytes, age_s: float = 0) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=data)


@pytest.fixture(params=["local", "s3"])
def store_app(request, app_factory):
    if request.param == "local":
        app = app_factory()
        return app, LocalStore(app)
    server = request.getfixturevalue("s3_server")
    bucket = server.new_bucket()
    return app_factory(**server.settings(bucket)), S3Store(server, bucket)


def audit(app, *args: str):
    return app.test_cli_runner().invoke(args=["audit", "storage", *args])


def drop_client_id_uniqueness() -> None:
    """What a dump restored without its constraints would be: the schema no longer guards."""
    with db.engine.begin() as conn:
        ops = Operations(MigrationContext.configure(conn))
        with ops.batch_alter_table("report") as batch:
            batch.drop_constraint("uq_report_client_id", type_="unique")


def test_a_clean_store_passes(store_app) -> None:
    app, _store = store_app
    client = app.test_client()
    ok(post_report(client, "gridworker", client_id=new_client_id()))
    result = audit(app)
    assert result.exit_code == 0, result.output
    assert "完好" in result.output
    answer = json.loads(audit(app, "--json").output)
    assert answer == {"ok": True, "counts": {}, "findings": []}


def test_each_planted_problem_is_found(store_app, tmp_path) -> None:
    app, store = store_app
    client = app.test_client()
    lost_id, changed_id, kept_id = new_client_id(), new_client_id(), new_client_id()
    lat, lon = spot()
    posted = []
    for client_id, width in ((lost_id, 64), (changed_id, 72), (kept_id, 80)):  # three pictures
        picture = photo(lat, lon, size=(width, 48))
        posted.append(ok(post_report(client, "gridworker", client_id=client_id, photo=picture)))
    lost, changed, kept = posted
    with app.app_context():
        shas = {
            report_id: db.session.scalars(
                select(Photo.sha256).where(Photo.report_id == report_id)
            ).one()
            for report_id in (lost["id"], changed["id"], kept["id"])
        }
        photo_ids = {
            report_id: db.session.scalars(
                select(Photo.id).where(Photo.report_id == report_id)
            ).one()
            for report_id in shas
        }
    assert len(set(shas.values())) == 3  # three different pictures

    # 1. an object gone, 2. an object whose bytes changed
    store.remove(original(shas[lost["id"]]))
    store.write(original(shas[changed["id"]]), b"not the photo any more")
    # 3. objects without a row: one written two hours ago (local: mtime set back), one now
    old_bytes, young_bytes = b"left by a crash", b"an upload in flight"
    old_sha = hashlib.sha256(old_bytes).hexdigest()
    young_sha = hashlib.sha256(young_bytes).hexdigest()
    store.write(original(old_sha), old_bytes, age_s=2 * 3600)
    if isinstance(store, S3Store):  # S3 stamps LastModified itself: let this one age 5 s
        time.sleep(5)
    # 4. a second report with the kept report's client_id
    with app.app_context():
        drop_client_id_uniqueness()
        row = db.session.execute(select(Report.__table__).where(Report.id == kept["id"])).one()
        copy = {k: v for k, v in row._mapping.items() if k not in ("id", "tracking_token_hash")}
        duplicate_id = db.session.execute(
            insert(Report.__table__).values(copy).returning(Report.id)
        ).scalar_one()
        # 5. a case row edited without an event
        case = db.session.get(Case, kept["case"]["id"])
        number = case.number
        db.session.execute(
            text('UPDATE "case" SET status = :s WHERE id = :i'), {"s": "void", "i": case.id}
        )
        db.session.commit()
    # 6. an acknowledged report the database never got (a ledger line without the report id)
    ledger = tmp_path / "acknowledged.txt"
    never = new_client_id()
    ledger.write_text(f"{kept_id} {kept['id']}\n{lost_id} {lost['id']}\n{never}\n")

    planted_at = time.time()
    store.write(original(young_sha), young_bytes)

    result = audit(app, "--json", "--acknowledged", str(ledger))
    assert result.exit_code == 1, result.output
    answer = json.loads(result.output)
    found = {(f["kind"], f["subject"], tuple(f["ids"])) for f in answer["findings"]}
    expected = {
        ("missing_object", original(shas[lost["id"]]), (photo_ids[lost["id"]],)),
        ("hash_mismatch", original(shas[changed["id"]]), (photo_ids[changed["id"]],)),
        ("duplicate_report", kept_id, (kept["id"], duplicate_id)),
        ("acknowledged_missing", never, ()),
    }
    timeline = {f for f in found if f[0] == "timeline"}
    assert timeline and {(k, s) for k, s, _ in timeline} == {("timeline", number)}
    if isinstance(store, LocalStore):
        expected.add(("orphan_object", original(old_sha), ()))
    assert found - timeline == expected
    assert answer["ok"] is False
    assert answer["counts"]["missing_object"] == 1

    if isinstance(store, S3Store):
        # The "old" orphan is 5 s older than the young one: with a grace of 3 s, as of half a
        # second after the young one was written (LastModified counts whole seconds).
        with app.app_context():
            orphans = check_orphans(3.0, now=planted_at + 0.5)
        assert [(f.kind, f.subject) for f in orphans] == [("orphan_object", original(old_sha))]

    text_result = audit(app)
    assert text_result.exit_code == 1
    assert "missing_object" in text_result.output and "duplicate_report" in text_result.output


def test_the_grace_period_is_configurable(app_factory) -> None:
    app = app_factory()
    store = LocalStore(app)
    data = b"a crash leftover"
    key = original(hashlib.sha256(data).hexdigest())
    store.write(key, data, age_s=30 * 60)  # half an hour old
    assert audit(app).exit_code == 0  # default grace: one hour
    result = audit(app, "--json", "--grace-minutes", "10")
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    assert [(f["kind"], f["subject"]) for f in findings] == [("orphan_object", key)]
