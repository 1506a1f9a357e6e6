"""An outside tool tests the OpenAPI document against a live server: schemathesis generates
requests for every GET and POST operation (bounded examples) and checks that no answer is a
5xx and that every answer fits the schema the document declares for it (2xx shapes and the
error envelope: every /api/v1 answer has one, tests/unit/test_openapi_sweep.py).

Bounded to stay well under two minutes inside ./scripts/test: the declared examples and 6
generated cases per operation (about 350 requests). schemathesis' `coverage` phase (thousands of
boundary cases, several minutes on 2 cores) is left out; real data is checked against the
document by test_openapi_answers.py instead. As admin, the role most operations serve."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ..helpers import token
from ..live import live_server

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Logging out or disabling accounts would end the session the run uses; every other operation runs.
SKIP = r"auth/token|accounts"


def test_schemathesis_finds_no_server_error_and_no_schema_break(demo_app, backend, tmp_path):
    if backend.name != "sqlite":
        pytest.skip("one database is enough for the document; both run the other tests")
    bearer = token(demo_app.test_client(), "admin")
    with live_server(demo_app) as base:
        run = subprocess.run(
            [
                str(SCHEMATHESIS),
                "run",
                f"{base}/api/v1/openapi.json",
                "--checks",
                "not_a_server_error,response_schema_conformance",
                "--max-examples",
                "6",
                "--phases",
                "examples,fuzzing",
                "--header",
                f"Authorization: Bearer {bearer}",
                "--exclude-path-regex",
                SKIP,
                "--seed",
                "1",
                "--request-timeout",
                "30",
            ],
            cwd=tmp_path,  # its cache (replayed crashes) stays out of the repository
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "passed" in run.stdout
