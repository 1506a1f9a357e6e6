"""The limits hold on a real gunicorn with several workers and no Redis, and a server killed
with -9 can be started again (issue 9, items 7 and 10)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from inspector.access.lockout import LOCKOUT_FAILURES
from inspector.setup.demo import grid_center
from tests import photo_samples as samples

from ..live import free_port, post_json, run_together, wait_until_serving
from .photos_fixtures import COMMUNITY

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _env(url: str, tmp: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_")}
    env.update(
        PATH=f"{BIN}:{env.get('PATH', '')}",
        INSPECTOR_DATABASE_URL=url,
        INSPECTOR_MEDIA_DIR=str(tmp / "media"),
        INSPECTOR_SECRET_KEY="served-test",
        INSPECTOR_PASSWORD_PROFILE="cheapest",
        **{f"INSPECTOR_{k}": v for k, v in settings.items()},
    )
    return env


@pytest.fixture
def demo_db(backend):
    name, url = backend.factory.create(template=backend.demo)
    yield url
    backend.factory.drop(name)


def _wait_for_pid(pidfile: Path, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the new server exited with {process.returncode}"
        if pidfile.exists() and pidfile.read_text().strip() == str(process.pid):
            return
        time.sleep(0.2)
    raise AssertionError("the new server never wrote its pid file")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_limits_and_lockout_hold_across_gunicorn_workers(demo_db, tmp_path):
    """3 workers, counts in the database: 40 logins a minute per IP in all, 5 checks per name."""
    port = free_port()
    env = _env(
        demo_db,
        tmp_path,
        RATE_LIMITS="on",
        LIMIT_LOGIN_IP="40/minute",
        LIMIT_LOGIN_USER="1000/minute",
    )
    server = subprocess.Popen(
        [BIN / "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "3", "--threads", "4", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, process=server)

        def guess(i: int):  # noqa: ANN202
            return post_json(base, "/api/v1/auth/token", {"username": "admin", "password": "x"})

        first = run_together(30, guess)
        statuses = Counter(status for status, _ in first)
        # Each guess claims its try before the password is checked, whichever worker has it.
        assert statuses == {401: LOCKOUT_FAILURES, 429: 30 - LOCKOUT_FAILURES}, first
        assert {b["error"]["code"] for s, b in first if s == 429} == {"account_locked"}

        def stranger(i: int):  # noqa: ANN202
            return post_json(
                base, "/api/v1/auth/token", {"username": f"nobody{i}", "password": "x"}
            )

        second = run_together(20, stranger)
        statuses = Counter(status for status, _ in second)
        # 30 of the IP's 40 are spent, whichever worker counted them: 10 more, then 429.
        assert statuses == {401: 10, 429: 10}, second
        assert {b["error"]["code"] for s, b in second if s == 429} == {"rate_limited"}
    finally:
        _stop(server)


def test_demo_starts_again_after_kill_9_of_the_master(tmp_path):
    """scripts/demo after `kill -9`: the dead master's pid file must not block the new server."""
    port = free_port()
    pidfile = tmp_path / "gunicorn.pid"
    tick_log = tmp_path / "tick.log"
    env = _env(
        f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        tmp_path,
        PID_FILE=str(pidfile),
        DEMO_TICK_S="1",
        TICK_LOG=str(tick_log),
    )
    env.update(PORT=str(port), WORKERS="2")
    base = f"http://127.0.0.1:{port}"

    def start() -> subprocess.Popen:
        return subprocess.Popen(
            [ROOT / "scripts" / "demo"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / "demo.log").open("a"),
        )

    first = start()
    second = None
    try:
        wait_until_serving(base, timeout=180, process=first)
        assert int(pidfile.read_text()) == first.pid  # scripts/demo execs gunicorn
        os.kill(first.pid, signal.SIGKILL)
        # Not reaped yet: the pid still exists (a zombie), as after a crash under a supervisor.
        assert pidfile.exists()
        second = start()
        _wait_for_pid(pidfile, second)  # the old workers may still answer for a moment
        wait_until_serving(base, timeout=60, process=second)
        # A third start while the second serves is refused, and leaves the pid file alone.
        third = subprocess.run(
            [ROOT / "scripts" / "demo"], cwd=ROOT, env=env, capture_output=True, timeout=120
        )
        assert third.returncode != 0
        assert "already running" in third.stderr.decode()
        assert int(pidfile.read_text()) == second.pid
        # With no cron, the demo runs `tick` itself while its server lives.
        deadline = time.monotonic() + 60
        while "checked" not in (tick_log.read_text() if tick_log.exists() else ""):
            assert time.monotonic() < deadline, "tick never ran beside the demo server"
            time.sleep(0.5)
    finally:
        first.wait(timeout=30)
        if second is not None:
            _stop(second)
    # Both servers gone: their tick loops end (a tick under way may still finish): the log
    # stops growing, where a live 1-second loop adds lines every few seconds.
    deadline, last, since = time.monotonic() + 60, tick_log.read_text(), time.monotonic()
    while time.monotonic() - since < 8:
        assert time.monotonic() < deadline, "tick loop outlived the demo server"
        time.sleep(0.5)
        if (now := tick_log.read_text()) != last:
            last, since = now, time.monotonic()


def test_photo_reports_read_off_gunicorns_socket(demo_db, tmp_path):
    """The upload is read off gunicorn's socket by the app itself (formdata.read_body): the photo
    arrives whole, a request sent right behind it on the same connection is still answered, and
    so is a client that waits for `100 Continue` before it sends the body."""
    port = free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--threads", "2", "wsgi:app"],
        cwd=ROOT,
        env=_env(demo_db, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    photo = samples.jpeg(size=(1600, 1200)) + os.urandom(600_000)  # bytes after the end marker
    second_photo = samples.jpeg(size=(1200, 900)) + os.urandom(900_000)
    then = b"GET /api/v1/categories HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    try:
        wait_until_serving(f"http://127.0.0.1:{port}", timeout=120, process=server)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            head, body = _photo_report(photo)
            sock.sendall(head + body + then)  # both at once: the second sits behind the first
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        # curl and some phone libraries ask first (Expect: 100-continue), then send the body.
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            head, body = _photo_report(second_photo, b"Expect: 100-continue\r\n")
            sock.sendall(head)
            assert sock.recv(64).startswith(b"HTTP/1.1 100 Continue")
            sock.sendall(body)
            expected = sock.recv(65536)
    finally:
        _stop(server)
    first, _, second = answer.partition(b"HTTP/1.1 200")
    assert first.startswith(b"HTTP/1.1 201"), answer[:300]
    assert b'"code": "0101"' in second or b'"code":"0101"' in second  # the category list
    assert expected.startswith(b"HTTP/1.1 201"), expected[:300]
    stored = [p.read_bytes() for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert photo in stored and second_photo in stored  # the originals, byte for byte


def _photo_report(photo: bytes, extra_header: bytes = b"") -> tuple[bytes, bytes]:
    """(request head, multipart body) of an anonymous photo report, written out by hand."""
    lat, lon = grid_center(COMMUNITY + "007")
    boundary = "pipelinedBoundary42"
    fields = {"lat": lat, "lon": lon, "category_code": "0101"}
    body = b"".join(
        [
            *(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                for k, v in fields.items()
            ),
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode(),
            photo,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    head = (
        (
            f"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        ).encode()
        + extra_header
        + b"\r\n"
    )
    return head, body
