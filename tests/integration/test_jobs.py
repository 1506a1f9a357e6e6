"""Jobs after intake: derivatives and pHash made right after the answer, and `photo_reused`
(the same picture as a photo of another case within 90 days) shown to the dispatcher on the
case. Both paths: in-process after the response (no Redis) and a real RQ worker on Redis."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy import update

from inspector.extensions import db
from inspector.photos.models import Photo
from inspector.reports.models import Report
from inspector.setup.demo import grid_center
from tests import photo_samples as samples
from tests.helpers import auth

from .photos_fixtures import COMMUNITY

REDIS = os.environ.get("INSPECTOR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SCENE = samples.encode(samples.textured_scene(800, 600), "JPEG", quality=92)


def _reencoded() -> bytes:
    """The same picture, resized and saved again (what a re-user's phone or app does)."""
    image = Image.open(io.BytesIO(SCENE)).resize((640, 480))
    return samples.encode(image, "JPEG", quality=70)


def _post(client, grid: str, photo: bytes):
    lat, lon = grid_center(COMMUNITY + grid)
    data = {"lat": str(lat), "lon": str(lon), "category_code": "0101"}
    data["photo"] = [(io.BytesIO(photo), "IMG_1.jpg")]
    answer = client.post("/api/v1/reports", data=data, content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    answer.close()  # what a WSGI server does once the answer is sent: the in-process jobs run
    return body


def _reused(client, case_id: int) -> list[int]:
    body = client.get(f"/api/v1/cases/{case_id}", headers=auth(client, "dispatcher")).get_json()
    return [w["case_id"] for w in body["warnings"] if w["code"] == "photo_reused"]


def _derived_files(app) -> set[str]:
    root = Path(app.config["MEDIA_DIR"]) / "derived"
    return {p.name for p in root.rglob("*.jpg")} if root.exists() else set()


def test_in_process_after_the_answer(demo_app, demo_client) -> None:
    first = _post(demo_client, "001", SCENE)
    # Derivatives and pHash exist once the answer is out: the first view costs nothing more.
    with demo_app.app_context():
        photo = db.session.get(Photo, first["photos"][0]["id"])
        assert photo.phash is not None
        sha = photo.sha256
    assert _derived_files(demo_app) == {f"{sha}-display.jpg", f"{sha}-thumb.jpg"}
    assert _reused(demo_client, first["case"]["id"]) == []  # nothing earlier to match

    # 91 days ago: outside the window, so the next re-use does not point at it.
    with demo_app.app_context():
        db.session.execute(
            update(Photo)
            .where(Photo.id == photo.id)
            .values(created_at=photo.created_at - timedelta(days=91))
        )
        db.session.commit()
    second = _post(demo_client, "007", _reencoded())
    assert _reused(demo_client, second["case"]["id"]) == []
    third = _post(demo_client, "013", SCENE)
    assert _reused(demo_client, third["case"]["id"]) == [second["case"]["id"]]
    other = _post(demo_client, "019", samples.jpeg(1, size=(800, 600)))  # another picture
    assert _reused(demo_client, other["case"]["id"]) == []

    # The dispatcher's flag, not the reporter's: the anonymous sender does not see it.
    body = demo_client.get(
        f"/api/v1/reports/{third['id']}", query_string={"token": third["tracking_token"]}
    ).get_json()
    assert [w["code"] for w in body["warnings"] if w["code"] == "photo_reused"] == []
    assert (
        "warnings"
        not in demo_client.get(
            f"/api/v1/cases/{third['case']['id']}", query_string={"token": third["tracking_token"]}
        ).get_json()
    )


def test_rq_worker_on_redis(app_factory) -> None:
    from rq import SimpleWorker

    from inspector.jobs import queue

    app = app_factory(REDIS_URL=REDIS, JOBS_QUEUE=f"test-{uuid.uuid4().hex[:10]}")
    client = app.test_client()
    jobs = queue(app)
    try:
        first = _post(client, "001", SCENE)
        second = _post(client, "007", _reencoded())
        # Nothing ran in the web process: two jobs wait on the queue.
        assert jobs.count == 2
        with app.app_context():
            assert db.session.query(Photo).filter(Photo.phash.is_not(None)).count() == 0
        assert _derived_files(app) == set()

        with app.app_context():
            worker = SimpleWorker([jobs], connection=jobs.connection)
            assert worker.work(burst=True)
        assert jobs.count == 0
        with app.app_context():
            phashes = db.session.query(Photo.phash).filter(Photo.phash.is_not(None)).all()
            assert len(phashes) == 2
            report = db.session.get(Report, second["id"])
            assert [w["code"] for w in report.warnings].count("photo_reused") == 1
        assert len(_derived_files(app)) == 4
        assert _reused(client, second["case"]["id"]) == [first["case"]["id"]]
        # The earlier case is not accused by the later one's re-use.
        assert _reused(client, first["case"]["id"]) == []
    finally:
        jobs.delete(delete_jobs=True)


def test_copies_load_their_cases_in_a_few_statements(demo_app, demo_client) -> None:
    """A picture sent again and again: each new photo's copies come with their cases in a fixed
    number of statements, not two lazy loads per copy (the job worker's cost in a surge)."""
    from sqlalchemy import event

    from inspector.reports.jobs import copies

    sent = [_post(demo_client, f"{n:03d}", SCENE) for n in (1, 7, 13, 19, 25, 2)]
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:  # noqa: ANN001, ARG001
        statements.append(statement)

    with demo_app.app_context():
        engine = db.engine
        photo = db.session.get(Photo, sent[-1]["photos"][0]["id"])
        photo.created_at  # noqa: B018 - loaded before counting
        event.listen(engine, "before_cursor_execute", seen)
        try:
            found = copies(photo)
            cases = {other.id: case.id for other, case in found}
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    expected = {s["photos"][0]["id"]: s["case"]["id"] for s in sent[:-1]}
    assert cases == expected  # every earlier copy, each with its own case
    assert len(statements) <= 6, statements


def test_the_queue_is_made_at_start_up(app_factory, caplog) -> None:
    """wsgi.py warms the queue in gunicorn's master: rq imported and Redis spoken to once, so
    no worker pays for it on its first report; a Redis that is down does not stop start-up."""
    from inspector.jobs import warm_queue

    app = app_factory(REDIS_URL=REDIS, JOBS_QUEUE=f"warm-{uuid.uuid4().hex[:8]}")
    warm_queue(app)
    assert app.extensions["inspector_jobs_queue"].name == app.config["JOBS_QUEUE"]
    assert "Redis did not answer" not in caplog.text  # it answered the start-up ping
    down = app_factory(REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    warm_queue(down)
    assert "Redis did not answer at start-up" in caplog.text


def test_worker_waits_for_a_calm_host_then_runs_the_job(app_factory) -> None:
    """The deployed worker (`jobs worker`) looks at the host's CPU pressure before each job and
    waits while other tasks keep the cores busy; a burst never waits. Real Redis, real job."""
    from rq import SimpleWorker

    from inspector.jobs import queue
    from inspector.jobs_worker import yielding

    app = app_factory(REDIS_URL=REDIS, JOBS_QUEUE=f"test-{uuid.uuid4().hex[:10]}")
    client = app.test_client()
    jobs = queue(app)
    looks: list[int] = []

    def pressure() -> dict[str, float]:
        # The counter grows by far more than the interval until the 7th look, then stands
        # still: the look at the average, three busy intervals (two looks each), a calm one.
        looks.append(1)
        return {"avg10": 90.0, "total": 1e12 * min(len(looks), 7)}

    try:
        _post(client, "001", SCENE)
        assert jobs.count == 1
        worker_class = yielding(SimpleWorker, 0.5, 60.0, pressure=pressure, interval_s=0.05)
        with app.app_context():
            assert worker_class([jobs], connection=jobs.connection).work(burst=True)
        assert looks == []  # a burst drains at once
        assert jobs.count == 0 and len(_derived_files(app)) == 2

        _post(client, "007", _reencoded())
        with app.app_context():
            assert worker_class([jobs], connection=jobs.connection).work(max_jobs=1)
        assert len(looks) == 1 + 2 * 4
        assert jobs.count == 0 and len(_derived_files(app)) == 4
    finally:
        jobs.delete(delete_jobs=True)


def test_worker_processes_drain_the_queue_and_stop_warm(app_factory, tmp_path: Path) -> None:
    """`jobs worker --processes 2`, as the deployed unit runs it with `auto` on a 2-core host:
    two worker processes take jobs from the one queue (after a surge the backlog drains on
    every core), and SIGTERM to the command (systemd's KillMode=mixed) stops them all."""
    from rq import Worker

    from inspector.jobs import queue

    name = f"test-{uuid.uuid4().hex[:10]}"
    app = app_factory(REDIS_URL=REDIS, JOBS_QUEUE=name)
    client = app.test_client()
    jobs = queue(app)
    env = dict(
        os.environ,
        INSPECTOR_DATABASE_URL=app.config["DATABASE_URL"],
        INSPECTOR_MEDIA_DIR=app.config["MEDIA_DIR"],
        INSPECTOR_REDIS_URL=REDIS,
        INSPECTOR_JOBS_QUEUE=name,
        INSPECTOR_JOBS_YIELD_PRESSURE="0",  # the other tests keep this host busy: no waiting
    )
    command = [sys.executable, "-m", "flask", "--app", "inspector", "jobs", "worker"]
    log = tmp_path / "worker.log"
    with log.open("wb") as out:  # its own session: a failed test takes every process down
        pool = subprocess.Popen(
            [*command, "--simple", "--processes", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def two_workers() -> list | None:
            found = Worker.all(queue=jobs)
            return found if len(found) == 2 else None

        workers = _until(two_workers)
        pids = {w.pid for w in workers}
        assert len(pids) == 2 and pool.pid not in pids  # two forked processes, not the command
        for step, grid in enumerate(("001", "007", "013")):  # three pictures: six derivatives
            _post(client, grid, samples.encode(samples.textured_scene(800 + step, 600), "JPEG"))
        _until(lambda: jobs.count == 0 and len(_derived_files(app)) == 6)
        with app.app_context():
            assert db.session.query(Photo).filter(Photo.phash.is_(None)).count() == 0
        pool.send_signal(signal.SIGTERM)
        assert pool.wait(60) == 0, log.read_text()[-3000:]
        assert Worker.all(queue=jobs) == []  # each one unregistered: a warm stop
    except AssertionError as failed:
        raise AssertionError(f"{failed}\n{log.read_text()[-3000:]}") from failed
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pool.pid, signal.SIGKILL)
        pool.wait(10)
        jobs.delete(delete_jobs=True)


def test_worker_processes_refuses_nonsense(app_factory) -> None:
    app = app_factory(REDIS_URL=REDIS)
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--processes", "0"])
    assert result.exit_code == 2
    assert "--processes" in result.output and "1-256 or auto" in result.output


def _until(found, timeout: float = 60.0):  # noqa: ANN001, ANN202 - a probe and what it found
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = found()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("not within the time limit")
