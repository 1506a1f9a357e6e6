"""The fault run of bench/load.py, small: the real stack (gunicorn with deploy/'s config, an RQ
worker, Redis, a throwaway PostgreSQL cluster of its own) under photo reports from several
client processes, while a gunicorn worker is SIGKILLed every few seconds and PostgreSQL is
crash-restarted once; clients resend with their client_id after any error. Then `audit storage`
must find nothing: every acknowledged report exactly once, every photo row with its object and
hash, no orphan, every timeline intact.

About 20 s of load; setting up the stack on a loaded 2-core machine takes minutes, so the only
time limits are generous readiness waits, never throughput.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("INSPECTOR_PG_BIN", "/usr/lib/postgresql/15/bin"))


@pytest.mark.skipif(
    not (PG_BIN / "initdb").exists() or shutil.which("redis-server") is None,
    reason="needs PostgreSQL's initdb/pg_ctl and redis-server on this machine",
)
def test_crashes_lose_no_acknowledged_report(tmp_path) -> None:
    out = tmp_path / "fault.json"
    command = [
        sys.executable, str(ROOT / "bench" / "load.py"), "--faults",
        "--seconds", "20", "--baseline-seconds", "2", "--clients", "3", "--workers", "2",
        "--photo-size", "small", "--kill-every", "3", "--retry-seconds", "120",
        "--json", str(out),
        # The other tests keep this machine busy: a worker waiting for a calm host (up to 300 s
        # per job) would hold the drain after the mix for many minutes. Durability is the point.
        "--jobs-eager",
    ]  # fmt: skip
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1500)
    assert out.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(out.read_text())
    faults = result["faults"]
    assert sum("SIGKILL" in f for f in faults) >= 3, faults
    assert sum("PostgreSQL crash-restarted" in f for f in faults) == 1, faults
    assert result["acknowledged"] > 0
    assert result["acknowledged"] == result["done"]["report"]
    assert result["audit"] == {"ok": True, "counts": {}, "findings": []}, result["audit"]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
