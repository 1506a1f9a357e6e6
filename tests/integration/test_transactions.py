"""One owner per request: the answer below 400 is committed, anything else leaves no trace."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from inspector.errors import invalid
from inspector.extensions import db
from inspector.http import on_rollback
from inspector.org.models import Unit
from inspector.org.service import upsert_unit

PACKAGE = Path(__file__).resolve().parents[2] / "inspector"
# The request owner, the job owner and the command-line entry points; nowhere else.
COMMIT_OWNERS = {
    "http.py",
    "jobs.py",  # background jobs: each job owns its transaction
    "cli.py",
    "sla/jobs.py",
    "patrols/jobs.py",  # missed patrols, part of `tick`: commits per missed slot like sla/jobs
    "supervision/jobs.py",  # week snapshots, part of `tick`: one transaction per week
    "sla/cli.py",
    "photos/cli.py",
    "open311/cli.py",  # `open311 keys create/revoke`: a command owns its transaction
}


def _units(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Unit).where(Unit.code == code))


def _add_view(app, rule: str, view) -> None:  # noqa: ANN001
    app.add_url_rule(rule, endpoint=rule, view_func=view, methods=["POST"])


def test_answer_below_400_commits_and_4xx_or_raise_rolls_back(app):
    def made():
        upsert_unit("ok1", "提交")
        return {"ok": True}, 201

    def answered_422():
        upsert_unit("no1", "回答422")
        return {"error": {"code": "x", "message": "x"}}, 422

    def raised():
        upsert_unit("no2", "抛出异常")
        raise invalid("坏输入 / bad input")

    _add_view(app, "/t/made", made)
    _add_view(app, "/t/422", answered_422)
    _add_view(app, "/t/raised", raised)
    client = app.test_client()
    assert client.post("/t/made").status_code == 201
    assert client.post("/t/422").status_code == 422
    assert client.post("/t/raised").status_code == 422
    assert (_units(app, "ok1"), _units(app, "no1"), _units(app, "no2")) == (1, 0, 0)


def test_on_rollback_step_is_kept_only_when_the_work_is_undone(app):
    def failing():
        upsert_unit("gone", "被回滚")
        on_rollback(lambda: upsert_unit("kept", "回滚后单独提交"))
        raise invalid("坏输入 / bad input")

    def succeeding():
        on_rollback(lambda: upsert_unit("never", "不应出现"))
        return {"ok": True}, 200

    _add_view(app, "/t/failing", failing)
    _add_view(app, "/t/succeeding", succeeding)
    client = app.test_client()
    assert client.post("/t/failing").status_code == 422
    assert client.post("/t/succeeding").status_code == 200
    assert (_units(app, "gone"), _units(app, "kept"), _units(app, "never")) == (0, 1, 0)


def test_commits_only_in_the_owners():
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if re.search(r"\.commit\(\)", path.read_text(encoding="utf-8")):
            found.add(path.relative_to(PACKAGE).as_posix())
    assert found - COMMIT_OWNERS == set()
    assert "http.py" in found and "sla/jobs.py" in found
