"""The real stack under a bounded, realistic load, optionally with crashes; then `audit storage`.

    .venv/bin/python bench/load.py [--seconds 120] [--clients 8] [--workers N] [--faults]
                                   [--kill-every 5] [--photo-size phone|small] [--jobs-idle]
                                   [--pg postgresql://postgres@127.0.0.1:5432/postgres]

Starts on this machine, loopback only: a fresh PostgreSQL database (on `--pg`; with `--faults`
a throwaway cluster of its own, initdb in a temp dir on a free port, because the fault run
restarts it), a Redis of its own (redis-server on a free port, no persistence), gunicorn with
deploy/gunicorn.conf.py (`wsgi:app`, preload, gthread), the RQ workers (`flask jobs worker
--simple --processes auto`, as the systemd unit), local media in a temp dir. Loads the demo
county, then:

1. baseline: every client process hammers `GET /healthz` for `--baseline-seconds`;
2. the mix, for `--seconds`: each client process loops over photo reports (60 %: a grid worker's
   patrol report or a resident's tip, 1-3 JPEGs of a phone's size, 4032x3024 ~2-3 MB, with
   EXIF GPS and time inside the city at the report's spot), queue reads (25 %: a unit's
   dispatched queue, the dispatcher's filed queue, 50 rows) and case actions (15 %: the
   dispatcher dispatches a case this client reported). A report that fails in any way (refused
   connection, 5xx, timeout) is sent again with its client_id until acknowledged (up to
   `--retry-seconds` after the end); actions retry with their Idempotency-Key. Every
   acknowledged report goes into a ledger (client_id, report id).
3. `--faults`: meanwhile SIGKILL one gunicorn worker every `--kill-every` seconds and crash-
   restart the PostgreSQL cluster once (pg_ctl stop -m immediate, start) a third of the way in.
4. Stop, then `flask audit storage --acknowledged <ledger>`: every photo row has its object
   with its hash, no old orphan, no client_id twice, every acknowledged report present, every
   timeline verifies.

Prints throughput, p50/p95/p99 latency and errors per kind, the baseline, the machine and its
load average. Exit status 1 when the audit finds anything (or nothing was acknowledged).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import multiprocessing
import os
import random
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageFilter  # noqa: E402

from bench.cpu_meter import ClusterTree, CpuMeter, PostgresBackends  # noqa: E402
from inspector.memory import keep_large_blocks  # noqa: E402
from inspector.setup.demo import zone_features  # noqa: E402
from inspector.setup.demo_data import DEMO_PASSWORD  # noqa: E402
from tests.photo_samples import exif_bytes  # noqa: E402

PG_BIN = Path(os.environ.get("INSPECTOR_PG_BIN", "/usr/lib/postgresql/15/bin"))
API = "/api/v1"
CHINA = timezone(timedelta(hours=8))
SIZES = {"phone": (4032, 3024), "small": (1024, 768)}
REPORTERS = ("gridworker", "resident")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str) -> None:  # noqa: ANN001
    """Readiness waits are generous: the machine may be shared and loaded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with suppress(Exception):
            if check():
                return
        time.sleep(0.25)
    raise SystemExit(f"{what} not ready after {timeout:.0f} s")


# ------------------------------------------------------------------ services


class OwnPostgres:
    """A throwaway PostgreSQL cluster (never the shared system one): initdb in a temp dir, a
    free port on 127.0.0.1, run as user postgres when we are root (initdb refuses root)."""

    def __init__(self, tmp: Path) -> None:
        self.dir = tmp / "pgdata"
        self.sockets = tmp / "pgsock"
        self.log = tmp / "postgres.log"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/inspector"

    def _as_owner(self, *command: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else [*command]

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            self._as_owner(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), *args),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def create(self) -> None:
        for path in (self.dir, self.sockets):
            path.mkdir(mode=0o700)
            if os.geteuid() == 0:
                shutil.chown(path, "postgres", "postgres")
        self.log.touch()
        if os.geteuid() == 0:
            shutil.chown(self.log, "postgres", "postgres")
        subprocess.run(
            self._as_owner(
                str(PG_BIN / "initdb"), "-D", str(self.dir), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-sync",
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        self.start()
        with psycopg.connect(self.url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
            c.execute("CREATE DATABASE inspector")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c fsync=on -c synchronous_commit=on"
        )
        self._pg_ctl("-o", options, "-l", str(self.log), "-w", "-t", "300", "start")

    def crash_restart(self) -> float:
        """What a power cut or an OOM kill does to the database: no shutdown checkpoint."""
        start = time.monotonic()
        self._pg_ctl("-m", "immediate", "-w", "-t", "120", "stop")
        self.start()
        return time.monotonic() - start

    def stop(self) -> None:
        with suppress(subprocess.CalledProcessError):
            self._pg_ctl("-m", "fast", "-w", "-t", "120", "stop")


class SharedPostgresDatabase:
    """A fresh database on an existing server (the plain load run), dropped afterwards."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.name = f"bench_load_{uuid.uuid4().hex[:8]}"
        self.url = server.rsplit("/", 1)[0] + "/" + self.name

    def create(self) -> None:
        with psycopg.connect(self.server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')

    def stop(self) -> None:
        with psycopg.connect(self.server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def start(stack: ExitStack, command: list[str], env: dict, log: Path) -> subprocess.Popen:
    handle = log.open("ab")
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )

    def stop() -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(30)
        handle.close()

    stack.callback(stop)
    return process


def session_nice(pid: int, nice: int) -> None:
    """Lower the job worker's share of the cores against gunicorn's, as the systemd unit's
    CPUWeight= does. With Linux's autogroup scheduling (on by default) every session is a group
    that shares the cores evenly with the others, and a nice value counts only inside its own
    session: `nice -n 10` alone left the worker its own half of two cores while the surge ran
    (it took 0.7 core; gunicorn 1.0). The session's nice is set in /proc/PID/autogroup."""
    with suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))


def worker_pids(master: int) -> list[int]:
    """gunicorn's workers: the master's children (read from /proc, no extra dependency)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == master:
                    found.append(int(entry.name))
    return found


# ------------------------------------------------------------------ what phones send


def base_picture(width: int, height: int, seed: int) -> bytes:
    """A photo-like JPEG without EXIF (smooth light, edges, sensor noise): ~2-3 MB at 12 MP."""
    random.seed(seed)
    small = Image.effect_noise((width // 8, height // 8), 60 + seed).convert("RGB")
    small = small.filter(ImageFilter.GaussianBlur(3))
    scene = small.resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 12).convert("RGB")
    out = io.BytesIO()
    Image.blend(scene, grain, 0.4).save(out, "JPEG", quality=90)
    return out.getvalue()


def exif_segment(lat: float, lon: float, taken: datetime) -> bytes:
    """The APP1 EXIF segment (GPS, time) a phone writes here and now, placed after SOI: each
    upload is distinct bytes without re-encoding 12 MP per request."""
    exif = exif_bytes(
        1, lat=lat, lon=lon, taken=taken.astimezone(CHINA).strftime("%Y:%m:%d %H:%M:%S")
    )
    return b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif


def with_exif(base: bytes, lat: float, lon: float, taken: datetime) -> bytes:
    """The picture as this phone took it here and now (see exif_segment)."""
    return base[:2] + exif_segment(lat, lon, taken) + base[2:]


BOUNDARY = "----InspectorBenchBoundary7f3a9c2e"


def multipart_parts(fields: dict[str, str], photos: list[tuple[bytes, bytes]]) -> list:
    """The photo report's multipart body as the buffers it is made of, the pictures not copied.

    `photos`: (EXIF segment, pre-encoded picture) pairs. A phone's upload costs its CPU, not
    the server's; building it with requests/urllib3 (several copies of up to 8.4 MB per
    report) made the bench clients take CPU the server needs on this shared machine, so the
    parts go to the socket as they are (`Wire`, one sendmsg)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for i, (segment, picture) in enumerate(photos):
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; '
            f'filename="IMG_{i}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        )
        view = memoryview(picture)
        parts += [view[:2], segment, view[2:], b"\r\n"]
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return parts


@dataclass(slots=True)
class Answer:
    status_code: int
    content: bytes

    def json(self) -> Any:  # noqa: ANN401 - the answer's JSON
        return json.loads(self.content)


class WireError(Exception):
    """The connection failed or was closed mid-answer (a killed worker): the client retries."""


class Wire:
    """A phone's keep-alive HTTP/1.1 connection, lean on the shared machine's CPU: the request
    goes out with one sendmsg of its buffers (no body copy) and the answer is read by
    http.client's parser. requests/urllib3 cost the bench clients about as much Python again
    per request as the rest of their work."""

    def __init__(self, base_url: str, timeout: float) -> None:
        host, port = base_url.removeprefix("http://").rsplit(":", 1)
        self.address, self.host, self.timeout = (host, int(port)), f"{host}:{port}", timeout
        self.sock: socket.socket | None = None

    def request(self, method: str, path: str, headers: dict[str, str], parts: list) -> tuple:
        """(status, body bytes); WireError on any failure (the connection is closed then)."""
        length = sum(len(p) for p in parts)
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", f"Content-Length: {length}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        buffers = [("\r\n".join(head) + "\r\n\r\n").encode(), *parts]
        if self.sock is not None and select.select([self.sock], [], [], 0)[0]:
            self.close()  # readable between answers: the server closed it (keep-alive timeout)
        try:
            if self.sock is None:
                self.sock = socket.create_connection(self.address, timeout=self.timeout)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            _send_all(self.sock, buffers)
            answer = http.client.HTTPResponse(self.sock, method=method)
            answer.begin()
            body = answer.read()
            if answer.will_close:
                self.close()
            return answer.status, body
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise WireError(type(exc).__name__) from exc

    def close(self) -> None:
        if self.sock is not None:
            with suppress(OSError):
                self.sock.close()
            self.sock = None


def _send_all(sock: socket.socket, buffers: list) -> None:
    """sendmsg until every byte is out (it may take part of the buffers per call)."""
    views = [memoryview(b) for b in buffers if len(b)]
    while views:
        sent = sock.sendmsg(views[:1024])  # IOV_MAX
        while sent:
            if sent >= len(views[0]):
                sent -= len(views.pop(0))
            else:
                views[0], sent = views[0][sent:], 0


def city_spots() -> tuple[list[tuple], list[tuple]]:
    """Grid boxes: the grid worker's community (his zones), and every grid (residents)."""
    grids = [f for f in zone_features() if f["properties"]["level"] == "grid"]
    boxes = []
    for f in grids:
        ring = f["geometry"]["coordinates"][0]
        lons, lats = [p[0] for p in ring], [p[1] for p in ring]
        boxes.append((min(lats), max(lats), min(lons), max(lons)))
    return boxes[:25], boxes


# ------------------------------------------------------------------ a client process


def client_main(index: int, cfg: dict, out) -> None:  # noqa: ANN001, C901 - one loop, read top down
    # A phone's CPU is not the server's: each 3-9 MB body built here reuses the last one's
    # memory instead of faulting fresh pages in (inspector/memory.py), as gunicorn does.
    keep_large_blocks()
    rng = random.Random(1000 + index)
    wire = Wire(cfg["base_url"], cfg["timeout"])
    tokens = cfg["tokens"]
    pictures = cfg["pictures"]
    own_boxes, all_boxes = cfg["boxes"]
    reporter = REPORTERS[index % 2]
    boxes = own_boxes if reporter == "gridworker" else all_boxes
    lat_ms: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    done: Counter = Counter()
    own_cases: list[int] = []
    ledger = open(cfg["ledger_dir"] / f"client-{index}.txt", "w", encoding="utf-8")  # noqa: SIM115
    hard_end = cfg["end"] + cfg["retry_seconds"]

    def headers(account: str) -> dict:
        return {"Authorization": f"Bearer {tokens[account]}"}

    def attempt(
        kind: str, method: str, path: str, head: dict | None = None, parts: list | None = None
    ) -> Answer | None:
        start = time.time()
        try:
            answer = Answer(*wire.request(method, path, head or {}, parts or []))
        except WireError as exc:
            errors[(kind, str(exc))] += 1
            return None
        if answer.status_code < 400:
            lat_ms[kind].append((time.time() - start) * 1000)
        else:
            errors[(kind, answer.status_code)] += 1
        return answer

    # 1. baseline
    while time.time() < cfg["mix_start"]:
        if attempt("healthz", "GET", "/healthz") is not None:
            done["healthz"] += 1
    # 2. the mix
    cpu_start = time.process_time()
    while time.time() < cfg["end"]:
        roll = rng.random()
        if roll < 0.60:
            s, n, e, w = rng.choice(boxes)
            lat, lon = rng.uniform(s, n), rng.uniform(w, e)
            segment = exif_segment(lat, lon, datetime.now(UTC))
            photos = [(segment, pic) for pic in rng.sample(pictures, rng.randint(1, 3))]
            data = {
                "lat": f"{lat:.6f}",
                "lon": f"{lon:.6f}",
                "category_code": rng.choice(("0101", "0301", "0102")),
                "description": f"bench load {index}",
                "client_id": str(uuid.uuid4()),
            }
            parts = multipart_parts(data, photos)
            form = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
            while time.time() < hard_end:
                answer = attempt("report", "POST", f"{API}/reports", parts=parts,
                                 head={**headers(reporter), **form})  # fmt: skip
                if answer is not None and answer.status_code in (200, 201):
                    body = answer.json()
                    ledger.write(f"{data['client_id']} {body['id']}\n")
                    ledger.flush()
                    done["report"] += 1
                    done["report_retried"] += answer.status_code == 200
                    case = body.get("case") or {}
                    if case.get("status") == "filed":
                        own_cases.append(case["id"])
                    break
                if (
                    answer is not None
                    and answer.status_code < 500
                    and answer.status_code not in (409, 429)
                ):
                    done["report_refused"] += 1  # bad input: retrying changes nothing
                    break
                time.sleep(0.3)
        elif roll < 0.85 or not own_cases:
            account, status = rng.choice((("unitstaff", "dispatched"), ("dispatcher", "filed")))
            answer = attempt("queue", "GET", f"{API}/cases?status={status}&limit=50",
                             head=headers(account))  # fmt: skip
            done["queue"] += answer is not None and answer.status_code == 200
        else:
            case_id = own_cases.pop(rng.randrange(len(own_cases)))
            key = {"Idempotency-Key": f"bench-{uuid.uuid4()}", "Content-Type": "application/json",
                   **headers("dispatcher")}  # fmt: skip
            while time.time() < hard_end:
                answer = attempt("action", "POST", f"{API}/cases/{case_id}/dispatch",
                                 head=key, parts=[b"{}"])  # fmt: skip
                if answer is not None and answer.status_code in (200, 201):
                    done["action"] += 1
                    break
                if (
                    answer is not None
                    and answer.status_code < 500
                    and answer.status_code not in (409, 429)
                ):
                    done["action_refused"] += 1
                    break
                time.sleep(0.3)
    ledger.close()
    out.put({"latencies": dict(lat_ms), "errors": [[*k, v] for k, v in errors.items()],
             "done": dict(done), "cpu_s": time.process_time() - cpu_start})  # fmt: skip


# ------------------------------------------------------------------ the run


def login(base: str, account: str) -> str:
    answer = requests.post(
        f"{base}{API}/auth/token",
        json={"username": account, "password": DEMO_PASSWORD},
        timeout=120,
    )
    answer.raise_for_status()
    return answer.json()["token"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] if ordered else float("nan")
    )


def machine() -> dict:
    model = "?"
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cores": os.cpu_count(), "cpu": model, "loadavg": list(os.getloadavg())}


def run(args: argparse.Namespace) -> dict:  # noqa: C901, PLR0915 - the run, step by step
    tmp = Path(tempfile.mkdtemp(prefix="inspector-load-"))
    os.chmod(tmp, 0o755)  # the own cluster runs as user postgres
    before = machine()
    result: dict = {"machine": before, "settings": vars(args).copy()}
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, tmp, True)
        database = OwnPostgres(tmp) if args.faults else SharedPostgresDatabase(args.pg)
        database.create()
        stack.callback(database.stop)
        redis_port = free_port()
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        env = dict(
            os.environ,
            FLASK_APP="inspector",
            INSPECTOR_DATABASE_URL=database.url,
            INSPECTOR_MEDIA_DIR=str(tmp / "media"),
            INSPECTOR_SECRET_KEY="bench-load",
            INSPECTOR_AUDIT_KEY="bench-load-audit",
            INSPECTOR_RATE_LIMITS="off",
            INSPECTOR_REDIS_URL=redis_url,
            INSPECTOR_JOBS_QUEUE="bench-load",
            GUNICORN_BIND=f"127.0.0.1:{free_port()}",
            GUNICORN_TIMEOUT="60",
        )
        if args.workers:
            env["GUNICORN_WORKERS"] = str(args.workers)
        if args.jobs_eager:  # the worker takes every job at once, whatever the host's load
            env["INSPECTOR_JOBS_YIELD_PRESSURE"] = "0"
        redis_server = start(stack, ["redis-server", "--bind", "127.0.0.1", "--port", str(redis_port),
                      "--save", "", "--appendonly", "no", "--dir", str(tmp)], env,
              tmp / "redis.log")  # fmt: skip
        flask = [sys.executable, "-m", "flask", "--app", "inspector"]
        for command in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run([*flask, *command], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        base = f"http://{env['GUNICORN_BIND']}"
        gunicorn = start(
            stack,
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
            env,
            tmp / "gunicorn.log",
        )
        nice = ["nice", "-n", str(args.jobs_nice)] if args.jobs_nice else []
        if args.jobs_idle:  # SCHED_IDLE, as the unit's CPUWeight=idle (see session_nice)
            nice = ["chrt", "--idle", "0", *nice]
        simple = [] if args.fork_jobs else ["--simple"]  # as deploy/systemd/inspector-jobs.service
        simple += ["--processes", args.jobs_processes]
        jobs_worker = start(stack, [*nice, *flask, "jobs", "worker", *simple], env,
                            tmp / "worker.log")  # fmt: skip
        if args.jobs_nice or args.jobs_idle:  # the session's group: least weight when idle
            session_nice(jobs_worker.pid, 19 if args.jobs_idle else args.jobs_nice)
        wait_until(lambda: requests.get(f"{base}/readyz", timeout=10).ok, 300, "gunicorn")
        tokens = {a: login(base, a) for a in (*REPORTERS, "dispatcher", "unitstaff")}
        size = SIZES[args.photo_size]
        pictures = [base_picture(*size, seed) for seed in range(3)]
        result["photo_bytes"] = [len(p) for p in pictures]
        ledger_dir = tmp / "ledger"
        ledger_dir.mkdir()
        now = time.time() + 5 + args.clients  # clients fork and settle first
        cfg = {
            "base_url": base, "tokens": tokens, "pictures": pictures, "boxes": city_spots(),
            "ledger_dir": ledger_dir, "timeout": args.timeout, "retry_seconds": args.retry_seconds,
            "mix_start": now + args.baseline_seconds, "end": now + args.baseline_seconds + args.seconds,
        }  # fmt: skip
        context = multiprocessing.get_context("fork")
        out = context.Queue()
        clients = [
            context.Process(target=client_main, args=(i, cfg, out)) for i in range(args.clients)
        ]
        for c in clients:
            c.start()
        meter = cpu_meter(stack, database, gunicorn.pid, jobs_worker.pid, redis_server.pid)
        if args.py_spy:
            targets = {
                "gunicorn": gunicorn.pid,
                "rq_worker": jobs_worker.pid,
                "client0": clients[0].pid,
            }
            for name, pid in targets.items():
                threading.Thread(
                    target=py_spy, args=(stack, args, cfg, name, pid), daemon=True
                ).start()
        threading.Thread(
            target=mark_at, args=(meter, "mix_start", cfg["mix_start"]), daemon=True
        ).start()
        faults: list[str] = []
        if args.faults:
            fault_thread = threading.Thread(
                target=inject_faults, args=(args, cfg, gunicorn.pid, database, faults), daemon=True
            )
            fault_thread.start()
        reports = []
        deadline = cfg["end"] + args.retry_seconds + 120
        for _ in clients:
            reports.append(out.get(timeout=max(60, deadline - time.time())))
        for c in clients:
            c.join(60)
        if args.faults:
            fault_thread.join(180)
        result["faults"] = faults
        meter.mark("mix_end")
        result["backlog_at_end"] = job_backlog(redis_url, "bench-load")
        wait_for_jobs(redis_url, "bench-load", args.drain_timeout)
        meter.mark("drained")
        result["backlog_left"] = job_backlog(redis_url, "bench-load")
        result["cpu"] = {
            "mix": meter.between("mix_start", "mix_end"),
            "drain": meter.between("mix_end", "drained"),
            "clients": sum(r["cpu_s"] for r in reports),
        }
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(120)
        ledger = tmp / "acknowledged.txt"
        ledger.write_text("".join(p.read_text() for p in sorted(ledger_dir.iterdir())))
        audit = subprocess.run(
            [*flask, "audit", "storage", "--json", "--acknowledged", str(ledger)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
        )  # fmt: skip
        try:
            result["audit"] = json.loads(audit.stdout)
        except json.JSONDecodeError:
            result["audit"] = {"ok": False, "output": audit.stdout[-2000:] + audit.stderr[-2000:]}
        result["audit_exit"] = audit.returncode
        result["acknowledged"] = sum(1 for _ in ledger.open())
        result.update(summarise(reports, args))
        result["machine_after"] = machine()
        if args.keep_logs:
            for name in ("gunicorn.log", "worker.log"):
                shutil.copy(tmp / name, Path(args.keep_logs) / name)
    return result


def inject_faults(args, cfg: dict, master: int, database: OwnPostgres, log: list) -> None:  # noqa: ANN001
    """SIGKILL a gunicorn worker every few seconds; crash-restart PostgreSQL once, a third in."""
    time.sleep(max(0.0, cfg["mix_start"] - time.time()))
    restart_at = cfg["mix_start"] + args.seconds / 3
    restarted = False
    rng = random.Random(7)
    while time.time() < cfg["end"]:
        time.sleep(args.kill_every)
        pids = worker_pids(master)
        if pids:
            victim = rng.choice(pids)
            with suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
                log.append(f"{time.time() - cfg['mix_start']:6.1f} s SIGKILL worker {victim}")
        if not restarted and time.time() >= restart_at:
            took = database.crash_restart()
            restarted = True
            log.append(
                f"{time.time() - cfg['mix_start']:6.1f} s PostgreSQL crash-restarted ({took:.1f} s)"
            )


def job_backlog(redis_url: str, queue_name: str) -> int:
    """Jobs not finished yet: waiting in the queue plus the one(s) running."""
    import redis

    connection = redis.Redis.from_url(redis_url)
    with suppress(Exception):
        return connection.llen(f"rq:queue:{queue_name}") + connection.zcard(f"rq:wip:{queue_name}")
    return -1


def wait_for_jobs(redis_url: str, queue_name: str, timeout: float) -> None:
    """Let the worker finish derivatives of every report (bounded; the audit does not need it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if job_backlog(redis_url, queue_name) == 0:
            return
        time.sleep(0.5)


def cpu_meter(stack: ExitStack, database, gunicorn: int, jobs: int, redis: int) -> CpuMeter:  # noqa: ANN001
    """Process groups of the stack (see bench/cpu_meter.py); PostgreSQL: its backends for our
    database on the shared server, or the whole throwaway cluster of a fault run."""
    trees = {"gunicorn": gunicorn, "rq_worker": jobs, "redis": redis}
    if isinstance(database, OwnPostgres):
        backends = ClusterTree(database.dir)
    else:
        backends = PostgresBackends(database.server, database.name)
    backends.start()
    stack.callback(backends.stop)
    return CpuMeter(trees, backends)


def py_spy(stack: ExitStack, args: argparse.Namespace, cfg: dict, name: str, pid: int) -> None:
    """Sample one process tree during the mix (folded stacks, for `--py-spy DIR`)."""
    time.sleep(max(0.0, cfg["mix_start"] - time.time()))
    out = Path(args.py_spy) / f"{name}.txt"
    command = [str(Path(sys.executable).parent / "py-spy"), "record", "--subprocesses", "--nonblocking", "--format", "raw",
               "--rate", "50", "--duration", str(int(args.seconds)), "-o", str(out), "-p", str(pid)]  # fmt: skip
    if args.py_spy_gil:
        command.append("--gil")  # only samples holding the GIL: where Python spends CPU
    spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stack.callback(spy.kill)
    spy.wait()


def mark_at(meter: CpuMeter, name: str, when: float) -> None:
    time.sleep(max(0.0, when - time.time()))
    meter.mark(name)


def summarise(reports: list[dict], args: argparse.Namespace) -> dict:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    done: Counter = Counter()
    for r in reports:
        for kind, values in r["latencies"].items():
            latencies[kind] += values
        for kind, code, n in r["errors"]:
            errors[f"{kind} {code}"] += n
        done.update(r["done"])
    kinds = {}
    for kind, values in latencies.items():
        seconds = args.baseline_seconds if kind == "healthz" else args.seconds
        kinds[kind] = {
            "ok": len(values),
            "per_s": len(values) / seconds,
            "p50_ms": statistics.median(values),
            "p95_ms": pct(values, 0.95),
            "p99_ms": pct(values, 0.99),
        }
    return {"kinds": kinds, "errors": dict(errors), "done": dict(done)}


def show(result: dict) -> None:
    m, after = result["machine"], result["machine_after"]
    print(f"machine: {m['cores']} cores, {m['cpu']}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in m['loadavg'])}  "
          f"after: {' '.join(f'{x:.2f}' for x in after['loadavg'])}")  # fmt: skip
    s = result["settings"]
    print(f"{s['clients']} clients, {s['seconds']} s mix after {s['baseline_seconds']} s baseline, "
          f"photos {s['photo_size']} ({', '.join(f'{b / 1e6:.1f} MB' for b in result['photo_bytes'])})"
          f"{', FAULTS' if s['faults'] else ''}")  # fmt: skip
    print(f"{'kind':10s} {'ok':>7s} {'per s':>8s} {'p50 ms':>9s} {'p95 ms':>9s} {'p99 ms':>9s}")
    for kind, k in sorted(result["kinds"].items()):
        print(
            f"{kind:10s} {k['ok']:7d} {k['per_s']:8.2f} {k['p50_ms']:9.1f} {k['p95_ms']:9.1f} {k['p99_ms']:9.1f}"
        )
    print(f"done: {result['done']}")
    print(f"errors (failed attempts, retried): {result['errors'] or 'none'}")
    for line in result["faults"]:
        print(f"fault: {line}")
    show_cpu(result)
    audit = result["audit"]
    print(f"acknowledged reports: {result['acknowledged']}")
    print(f"audit storage: {'ok' if audit.get('ok') else 'PROBLEMS'} {audit.get('counts', '')}")


def show_cpu(result: dict) -> None:
    """CPU seconds per photo report by process group: the figure that survives a busy host."""
    cpu, reports = result["cpu"], result["kinds"].get("report", {}).get("ok", 0)
    mix, drain = cpu["mix"], cpu["drain"]
    groups = {"clients": cpu["clients"]}
    for group in ("gunicorn", "rq_worker", "postgresql", "redis"):
        groups[group] = mix.get(group, 0.0) + drain.get(group, 0.0)
    total = sum(groups.values())
    server = total - groups["clients"]
    print(f"job backlog at the end of the mix: {result['backlog_at_end']}, drained in "
          f"{drain['wall']:.1f} s (left: {result['backlog_left']})")  # fmt: skip
    print(f"machine busy (all sessions): {mix['machine'] / mix['wall']:.2f} cores during the mix")
    if not reports:
        return
    print(f"CPU seconds per photo report (mix + drain, whole mix's cost / {reports} reports):")
    for group, seconds in groups.items():
        print(f"  {group:11s} {seconds / reports * 1000:8.1f} ms  ({seconds:.1f} s)")
    cores = result["machine"]["cores"]
    print(f"  {'total':11s} {total / reports * 1000:8.1f} ms -> idle-host bound "
          f"{cores * reports / total:.1f} reports/s; server side only "
          f"{server / reports * 1000:.1f} ms -> {cores * reports / server:.1f}/s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--baseline-seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default: its config)"
    )
    parser.add_argument("--faults", action="store_true")
    parser.add_argument("--kill-every", type=float, default=5)
    parser.add_argument("--photo-size", choices=sorted(SIZES), default="phone")
    parser.add_argument("--timeout", type=float, default=60, help="per request, seconds")
    parser.add_argument("--retry-seconds", type=float, default=90)
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=1800,
        help="how long to wait for the job backlog after the mix, seconds",
    )
    parser.add_argument(
        "--jobs-nice",
        type=int,
        default=0,
        help="run the RQ worker at this nice level (intake first, derivatives after)",
    )
    parser.add_argument(
        "--jobs-idle",
        action="store_true",
        help="run the RQ worker under SCHED_IDLE (deploy's CPUWeight=idle): only on idle CPU",
    )
    parser.add_argument(
        "--jobs-eager",
        action="store_true",
        help="the worker does not wait for a calm host (INSPECTOR_JOBS_YIELD_PRESSURE=0)",
    )
    parser.add_argument(
        "--fork-jobs",
        action="store_true",
        help="RQ's forking worker (a work horse per job) instead of the unit's --simple",
    )
    parser.add_argument(
        "--jobs-processes",
        default="auto",
        help="the job worker's --processes (default auto, one per core, as the systemd unit)",
    )
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--json", dest="json_path", help="also write the figures here")
    parser.add_argument("--py-spy", help="record py-spy folded stacks into this folder")
    parser.add_argument(
        "--py-spy-gil", action="store_true", help="sample only threads holding the GIL (CPU)"
    )
    parser.add_argument("--keep-logs", help="copy gunicorn and worker logs into this folder")
    args = parser.parse_args()
    if args.clients > 64 or args.seconds > 3600:
        raise SystemExit("bounded: at most 64 clients and one hour")
    result = run(args)
    show(result)
    if args.json_path:
        Path(args.json_path).write_text(
            json.dumps(result, ensure_ascii=False, indent=1, default=str)
        )
    if not result["audit"].get("ok") or result["acknowledged"] == 0:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
