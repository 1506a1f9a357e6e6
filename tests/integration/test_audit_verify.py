"""`audit verify` against someone with write access to the database (issue 9, item 5).

Each attack is done the way such a person would: raw SQL on the database, the append-only
triggers dropped or disabled first, the plain SHA-256 chain recomputed by hand after an edit.
The audit key (INSPECTOR_AUDIT_KEY) is what they do not have.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from inspector.extensions import db
from inspector.workflow.models import CaseEvent
from inspector.workflow.timeline import payload_of

from .flows import act, act_on_site, new_client_id, post_report

SQLITE_TRIGGERS = [
    "CREATE TRIGGER case_event_no_update BEFORE UPDATE ON case_event "
    "BEGIN SELECT RAISE(ABORT, 'case_event is append-only'); END",
    "CREATE TRIGGER case_event_no_delete BEFORE DELETE ON case_event "
    "BEGIN SELECT RAISE(ABORT, 'case_event is append-only'); END",
]


def ok(response):
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def history(c) -> dict:
    """A case through most of the loop (return, extension, 督办, rework, rating, reopen), one
    merged into another, one rejected and one voided."""
    posted = ok(post_report(c, None, category=None, client_id=new_client_id()))
    token, a = posted["tracking_token"], posted["case"]["id"]
    ok(act_on_site(c, "gridworker", a, "verify", note="现场确有占道"))
    ok(act(c, "dispatcher", a, "file", category_code="0101"))
    ok(act(c, "dispatcher", a, "dispatch"))
    ok(act(c, "unitstaff", a, "return", note="不属于本单位"))
    ok(act(c, "dispatcher", a, "dispatch", unit_code="zfj"))
    ok(act(c, "unitstaff", a, "request-extension", value=1, unit="work_days", note="需协调"))
    ok(act(c, "dispatcher", a, "approve-extension"))
    ok(act(c, "supervisor", a, "escalate", note="督办"))
    ok(act_on_site(c, "unitstaff", a, "rectify", note="已清理"))
    ok(act_on_site(c, "gridworker", a, "check", passed=False, note="摊位仍在"))
    ok(act_on_site(c, "unitstaff", a, "rectify", note="再次清理"))
    ok(act_on_site(c, "gridworker", a, "check", passed=True))
    ok(act(c, None, a, "rate", headers={}, score=2, note="不满意", token=token))
    ok(act(c, None, a, "reopen", headers={}, note="又摆出来了", token=token))

    b = ok(post_report(c, "resident", category="0301"))["case"]["id"]
    target = ok(post_report(c, "gridworker", category="0301"))["case"]["id"]
    ok(act(c, "dispatcher", b, "merge", into=target))
    rejected = ok(post_report(c, "volunteer", category=None))["case"]["id"]
    ok(act(c, "dispatcher", rejected, "reject", note="不是问题"))
    voided = ok(post_report(c, "gridworker", category="0201"))["case"]["id"]
    ok(act(c, "dispatcher", voided, "void", note="重复录入"))

    closed = ok(post_report(c, "resident", category="0101"))
    rated_case = closed["case"]["id"]
    ok(act_on_site(c, "gridworker", rated_case, "verify"))
    ok(act(c, "dispatcher", rated_case, "file"))
    ok(act(c, "dispatcher", rated_case, "dispatch", unit_code="zfj"))
    ok(act_on_site(c, "unitstaff", rated_case, "rectify"))
    ok(act(c, "dispatcher", rated_case, "close"))
    ok(act(c, "resident", rated_case, "rate", score=4, note="还行"))
    return {
        "a": a,
        "token": token,
        "target": target,
        "rated_case": rated_case,
        "rated_report": closed["id"],
    }


def verify(app: Flask):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def number_of(app: Flask, case_id: int) -> str:
    with app.app_context():
        return db.session.execute(
            text('SELECT number FROM "case" WHERE id = :id'), {"id": case_id}
        ).scalar_one()


def unlock_timeline(app: Flask) -> None:
    """What an attacker with database access does first: switch the append-only triggers off."""
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER case_event_no_update"))
            conn.execute(text("DROP TRIGGER case_event_no_delete"))
        else:
            conn.execute(text("ALTER TABLE case_event DISABLE TRIGGER case_event_no_change"))


def plain_digest(prev: str, payload: dict) -> str:
    """The 0001 scheme, written out here: SHA-256 of the previous digest + canonical JSON."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + canonical).encode()).hexdigest()


def rechain_plain(app: Flask, case_id: int, from_seq: int = 1) -> str:
    """Recompute the plain SHA-256 chain of a case from `from_seq` on; returns the new head."""
    with app.app_context():
        events = db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
        ).all()
        payloads = [(e.id, e.seq, payload_of(e)) for e in events]
        db.session.rollback()
        prev = "0" * 64
        with db.engine.begin() as conn:
            for event_id, seq, payload in payloads:
                if seq < from_seq:
                    prev = conn.execute(
                        text("SELECT hash FROM case_event WHERE id = :id"), {"id": event_id}
                    ).scalar_one()
                    continue
                digest = plain_digest(prev, payload)
                conn.execute(
                    text("UPDATE case_event SET prev_hash = :p, hash = :h WHERE id = :id"),
                    {"p": prev, "h": digest, "id": event_id},
                )
                prev = digest
        return prev


def run_sql(app: Flask, statement: str, **params) -> None:
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text(statement), params)


@pytest.fixture
def storied(demo_app, demo_client):
    ids = history(demo_client)
    result = verify(demo_app)
    assert result.exit_code == 0, result.output
    return ids


def assert_caught(app: Flask, case_id: int, *phrases: str) -> str:
    result = verify(app)
    assert result.exit_code != 0, result.output
    number = number_of(app, case_id)
    assert f"案件 case {number} (id {case_id})" in result.output, result.output
    for phrase in phrases:
        assert phrase in result.output, result.output
    assert number in result.output.splitlines()[-1]  # the summary names the case too
    return result.output


def test_untouched_history_verifies(demo_app, storied):
    result = verify(demo_app)
    assert result.exit_code == 0 and "校验通过" in result.output


def test_recomputed_plain_chain_after_an_edit_is_caught(demo_app, storied):
    a = storied["a"]
    unlock_timeline(demo_app)
    run_sql(
        demo_app,
        "UPDATE case_event SET note = '现场无问题' WHERE case_id = :c AND seq = 2",
        c=a,
    )
    head = rechain_plain(demo_app, a, from_seq=2)
    # Even the anchor is made to point at the new head (its MAC cannot be redone without the key).
    run_sql(demo_app, "UPDATE case_anchor SET head_hash = :h WHERE case_id = :c", h=head, c=a)
    out = assert_caught(demo_app, a, "content does not match its keyed digest")
    assert "第 2 条 event" in out and "timeline anchor altered" in out


def test_cut_tail_is_caught(demo_app, storied):
    a = storied["a"]
    unlock_timeline(demo_app)
    # The last two events (rate, reopen) carry no photos: delete them as if never written.
    run_sql(demo_app, "DELETE FROM case_event WHERE case_id = :c AND seq >= 14", c=a)
    assert_caught(demo_app, a, "13 events but the anchor counts 15 (tail cut?)")


def test_cut_tail_with_the_anchor_wound_back_is_caught(demo_app, storied):
    a = storied["a"]
    unlock_timeline(demo_app)
    run_sql(demo_app, "DELETE FROM case_event WHERE case_id = :c AND seq >= 14", c=a)
    run_sql(
        demo_app,
        "UPDATE case_anchor SET event_count = 13, head_hash = "
        "(SELECT hash FROM case_event WHERE case_id = :c AND seq = 13) WHERE case_id = :c",
        c=a,
    )
    assert_caught(demo_app, a, "timeline anchor altered (MAC fails)")


def test_a_cut_tail_is_not_healed_by_the_next_action(demo_app, demo_client, storied):
    """The next event takes its place from the anchor, so the gap stays visible."""
    a, token = storied["a"], storied["token"]
    unlock_timeline(demo_app)
    run_sql(demo_app, "DELETE FROM case_event WHERE case_id = :c AND seq = 15", c=a)  # reopen
    run_sql(demo_app, "UPDATE \"case\" SET status = 'closed' WHERE id = :c", c=a)
    ok(act(demo_client, None, a, "rate", headers={}, score=5, note="满意", token=token))
    assert_caught(demo_app, a, "sequence gap: expected 15")


def test_changed_case_status_is_caught(demo_app, storied):
    a = storied["a"]  # reopened: dispatched
    run_sql(demo_app, "UPDATE \"case\" SET status = 'closed' WHERE id = :c", c=a)
    assert_caught(demo_app, a, "status = 'closed', 流水为 timeline says 'dispatched'")


def test_changed_unit_is_caught(demo_app, storied):
    a = storied["a"]  # dispatched to 综合执法局 (zfj)
    run_sql(
        demo_app,
        "UPDATE \"case\" SET unit_id = (SELECT id FROM unit WHERE code = 'hwc') WHERE id = :c",
        c=a,
    )
    assert_caught(demo_app, a, "unit = 'hwc', 流水为 timeline says 'zfj'")


def test_changed_deadline_and_counters_are_caught(demo_app, storied):
    a = storied["a"]  # one failed check and one reopen: two reworks, one return
    run_sql(demo_app, 'UPDATE "case" SET rework_count = 0, return_count = 0 WHERE id = :c', c=a)
    assert_caught(
        demo_app,
        a,
        "rework_count = 0, 流水为 timeline says 2",
        "return_count = 0, 流水为 timeline says 1",
    )


def test_changed_rating_is_caught(demo_app, storied):
    case_id, report_id = storied["rated_case"], storied["rated_report"]
    run_sql(demo_app, "UPDATE report SET rating = 5 WHERE id = :r", r=report_id)
    assert_caught(demo_app, case_id, f"上报 report {report_id} 的评价 5 与流水", ":4)")


def test_erased_and_invented_ratings_are_caught(demo_app, storied):
    case_id, report_id = storied["rated_case"], storied["rated_report"]
    run_sql(demo_app, "UPDATE report SET rating = NULL WHERE id = :r", r=report_id)
    assert_caught(demo_app, case_id, f"上报 report {report_id} 的评价 None")
    run_sql(demo_app, "UPDATE report SET rating = 4 WHERE id = :r", r=report_id)
    assert verify(demo_app).exit_code == 0
    # A rating on a case nobody rated (the merged-into target, still open).
    run_sql(
        demo_app,
        "UPDATE report SET rating = 5, rated_at = created_at WHERE case_id = :c",
        c=storied["target"],
    )
    assert_caught(demo_app, storied["target"], "rating without a rate event")


def test_wrong_key_does_not_verify(backend, demo_app, storied, tmp_path):
    """A recomputation with another key is no better than a plain one; and a host that was
    given the wrong key says so instead of passing."""
    from ..conftest import make_app

    other = make_app(demo_app.config["DATABASE_URL"], tmp_path, AUDIT_KEY="not-the-key")
    result = verify(other)
    assert result.exit_code != 0 and "timeline anchor altered" in result.output
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


# ------------------------------------------------------------------ databases from before 0003


def make_legacy(app: Flask, case_ids: list[int]) -> None:
    """Turn a head database into what revision 0001 wrote: plain SHA-256 chains, no anchors."""
    unlock_timeline(app)
    for case_id in case_ids:
        rechain_plain(app, case_id)
    with app.app_context():
        downgrade(revision="0002")  # the revision before anchors (and whatever came after)
    with app.app_context(), db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            for statement in SQLITE_TRIGGERS:
                conn.execute(text(statement))
        else:
            conn.execute(text("ALTER TABLE case_event ENABLE TRIGGER case_event_no_change"))


def all_case_ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.execute(text('SELECT id FROM "case" ORDER BY id')).scalars())


def test_a_0001_database_verifies_after_upgrade_and_keeps_its_protection(
    demo_app, demo_client, storied
):
    make_legacy(demo_app, all_case_ids(demo_app))
    with demo_app.app_context():
        upgrade()
    result = verify(demo_app)
    assert result.exit_code == 0, result.output

    # New events on a legacy case are keyed and chain onto the sealed legacy head.
    rated = storied["rated_case"]
    ok(act(demo_client, "resident", rated, "reopen", note="又出现了"))
    assert verify(demo_app).exit_code == 0

    # Editing a legacy event and recomputing the plain chain breaks the seal made at upgrade.
    a = storied["a"]
    unlock_timeline(demo_app)
    run_sql(demo_app, "UPDATE case_event SET note = '无' WHERE case_id = :c AND seq = 1", c=a)
    head = rechain_plain(demo_app, a)
    run_sql(demo_app, "UPDATE case_anchor SET head_hash = :h WHERE case_id = :c", h=head, c=a)
    assert_caught(demo_app, a, "timeline anchor altered")

    # On the case that got a keyed event, the plain recomputation cannot redo that event.
    run_sql(demo_app, "UPDATE case_event SET note = '差' WHERE case_id = :c AND seq = 2", c=rated)
    rechain_plain(demo_app, rated)
    assert_caught(demo_app, rated, "content does not match its keyed digest")
