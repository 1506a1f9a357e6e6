"""Every revision upgrades a filled database without losing rows, on SQLite and PostgreSQL.

The rows come from `tests/migration_data/0001.json`: the demo city plus a few closed loops
(a rated anonymous tip, a merge, a rework with escalation and an extension), dumped once at
revision 0001 (see make_0001.py). The test loads them at 0001, then upgrades one revision at a
time; after each step every table keeps its rows, and each revision may add its own checks to
`CHECKS` (revision id -> function of a connection). At head the system must still work on the
old rows: accounts log in, cases read back with their timelines, and `audit verify` passes.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from click.testing import CliRunner
from flask_migrate import upgrade
from sqlalchemy import Connection, MetaData, func, insert, inspect, select, text

from inspector.cli import audit_cli
from inspector.extensions import db, migrate

from ..conftest import make_app
from ..helpers import auth

DATA = Path(__file__).parents[1] / "migration_data" / "0001.json"

# Revision id -> extra assertions on the database right after upgrading to that revision.
CHECKS: dict[str, Callable[[Connection], None]] = {}


def _open311_tables_start_empty(conn: Connection) -> None:
    """0006 adds Open311 keys and requests: new, empty tables; no existing row changes."""
    for table in ("open311_key", "open311_request"):
        assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 0


CHECKS["0006"] = _open311_tables_start_empty


def _check_0007(conn: Connection) -> None:
    """0007 adds the statistics indexes and an empty `bulletin` table; no row changes."""
    from sqlalchemy import inspect

    inspector = inspect(conn)
    names = {
        table: {i["name"] for i in inspector.get_indexes(table)}
        for table in ("case", "case_event", "report")
    }
    assert {"ix_case_due_at", "ix_case_closed_at", "ix_case_created_at"} <= names["case"]
    assert "ix_case_event_action_at" in names["case_event"]
    assert "ix_report_created" in names["report"]
    assert conn.execute(text("SELECT COUNT(*) FROM bulletin")).scalar_one() == 0


CHECKS["0007"] = _check_0007


def _check_0002_calendar(conn: Connection) -> None:
    """0002: old due times are kept and not provisional; no schedule is loaded yet."""
    dump = json.loads(DATA.read_text())
    old_due = {row["id"]: _decode(row["due_at"]) for row in dump["case"]}
    rows = conn.execute(text('SELECT id, due_at, due_provisional FROM "case"')).all()
    stored = {r.id: datetime.fromisoformat(str(r.due_at)) if r.due_at else None for r in rows}
    assert stored == old_due  # (SQLite answers raw SQL with text, PostgreSQL with datetimes)
    assert [bool(r.due_provisional) for r in rows] == [False] * len(rows)
    for table in ("calendar_year", "calendar_day"):
        assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 0


CHECKS["0002"] = _check_0002_calendar


def _check_0003(conn: Connection) -> None:
    """Every existing case is sealed: its anchor counts its events, all of them legacy (plain
    SHA-256), points at its last digest, under an HMAC with the audit key (written out here)."""
    import hashlib
    import hmac

    events = conn.execute(
        text("SELECT case_id, seq, hash FROM case_event ORDER BY case_id, seq")
    ).all()
    expected = {}
    for case_id, _seq, digest in events:
        count = expected.get(case_id, (0, ""))[0] + 1
        expected[case_id] = (count, digest)
    anchors = conn.execute(
        text("SELECT case_id, event_count, head_hash, legacy_count, mac FROM case_anchor")
    ).all()
    assert len(anchors) == conn.execute(text('SELECT count(*) FROM "case"')).scalar_one() == 5
    for case_id, count, head, legacy, mac in anchors:
        assert (count, head) == expected[case_id] and legacy == count
        message = f"anchor|{case_id}|{count}|{head}|{legacy}".encode()
        assert mac == hmac.new(b"test-audit-key", message, hashlib.sha256).hexdigest()


CHECKS["0003"] = _check_0003


def _check_0005(conn: Connection) -> None:
    """0005: no account of the dump had failed logins, so no name is counted; no window runs."""
    for table in ("login_failure", "rate_counter"):
        assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 0
    columns = {c["name"] for c in inspect(conn).get_columns("account")}
    assert not columns & {"failed_logins", "locked_until"}


CHECKS["0005"] = _check_0005


def test_0005_moves_failed_logins_and_locks_to_the_login_names(backend, tmp_path):
    """Failures and a running lock kept on `account` before 0005 still count after it."""
    name, url = backend.factory.create()
    app = make_app(url, tmp_path)
    lock = datetime(2030, 1, 1, 8, 0, 0)
    try:
        with app.app_context():
            upgrade(revision="0001")
            with db.engine.begin() as conn:
                _load_0001_rows(conn)
                conn.execute(
                    text("UPDATE account SET failed_logins = 3 WHERE username = 'dispatcher'")
                )
                conn.execute(
                    text(
                        "UPDATE account SET username = 'Admin', locked_until = :t "
                        "WHERE username = 'admin'"
                    ),
                    {"t": lock},
                )
            upgrade(revision="0005")
            with db.engine.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT username, failures, locked_until FROM login_failure "
                        "ORDER BY username"
                    )
                ).all()
            got = [(r.username, r.failures, r.locked_until) for r in rows]
            assert [(u, f) for u, f, _ in got] == [("admin", 0), ("dispatcher", 3)]
            assert datetime.fromisoformat(str(got[0][2])) == lock and got[1][2] is None
            db.session.remove()
            db.engine.dispose()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        backend.factory.drop(name)


def _check_0010(conn: Connection) -> None:
    """0010: old cases carry no 12345 ticket number."""
    rows = conn.execute(text('SELECT ticket_no FROM "case"')).all()
    assert len(rows) == 5 and {r.ticket_no for r in rows} == {None}


CHECKS["0010"] = _check_0010


def _check_0011_findings(conn: Connection) -> None:
    """Findings tables start empty; every existing case keeps its rows and has no batch."""
    rows = conn.execute(text('SELECT batch_id FROM "case"')).all()
    assert [r.batch_id for r in rows] == [None] * 5
    for table in ("finding_batch", "finding_item", "campaign", "case_exposure"):
        assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 0


CHECKS["0011"] = _check_0011_findings


def _check_0012_bulletin_scope(conn: Connection) -> None:
    """0012: bulletins get a scope ("" the city's); one per kind, period AND scope, so a
    district's week and the city's same week both fit, and a second city one does not."""
    columns = {c["name"]: c for c in inspect(conn).get_columns("bulletin")}
    assert "scope" in columns and not columns["scope"]["nullable"]
    account = conn.execute(text("SELECT id FROM account ORDER BY id LIMIT 1")).scalar_one()
    row = {
        "kind": "weekly",
        "period": "2026-W47",
        "data": "{}",
        "html": "",
        "pdf": b"",
        "pdf_sha256": "0" * 64,
        "published_at": datetime(2026, 11, 23),
        "published_by_id": account,
        "published_by_role": "admin",
    }
    names = ", ".join(row)
    values = ", ".join(f":{k}" for k in row)
    conn.execute(text(f"INSERT INTO bulletin ({names}) VALUES ({values})"), row)  # scope default
    conn.execute(text(f"INSERT INTO bulletin ({names}, scope) VALUES ({values}, '429901')"), row)
    scopes = conn.execute(text("SELECT scope FROM bulletin ORDER BY scope")).scalars().all()
    assert scopes == ["", "429901"]
    nested = conn.begin_nested()
    try:
        conn.execute(text(f"INSERT INTO bulletin ({names}) VALUES ({values})"), row)
    except Exception:  # noqa: BLE001 (IntegrityError of either driver)
        nested.rollback()
    else:
        raise AssertionError("a second city bulletin of the same week was accepted")
    conn.execute(text("DELETE FROM bulletin"))


CHECKS["0012"] = _check_0012_bulletin_scope


def _check_0014_rewards(conn: Connection) -> None:
    """0014: the reward ledger starts empty (no retroactive points for the 5 old cases, one of
    them a volunteer's tip), and a line can be written against an old case and report."""
    for table in ("reward_entry", "reward_claim"):
        assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 0
    case_id, report_id, account_id = conn.execute(
        text("SELECT case_id, id, reporter_id FROM report WHERE source = 'volunteer'")
    ).one()
    assert (case_id, report_id, account_id) == (5, 5, 6)
    conn.execute(
        text(
            "INSERT INTO reward_entry (account_id, points, code, reason, case_id, report_id,"
            " month, detail, at) VALUES (6, 10, 'filed', '测试', 5, 5, '2026-11', '{}', :at)"
        ),
        {"at": datetime(2026, 11, 28, 9)},
    )
    assert conn.execute(text("SELECT SUM(points) FROM reward_entry")).scalar_one() == 10
    conn.rollback()  # written and taken back: the next revision counts rows again


CHECKS["0014"] = _check_0014_rewards


def _check_0015_takeover(conn: Connection) -> None:
    """0015 adds takeover settings (NULL: no takeover) to every category and batch, and an empty
    blur_marks to exposures; existing categories keep their time limits."""
    rows = conn.execute(
        text(
            "SELECT code, time_limit_value, takeover_after_escalations, takeover_after_hours "
            "FROM category ORDER BY code"
        )
    ).all()
    assert len(rows) == 21  # the categories in tests/migration_data/0001.json
    assert {(r.takeover_after_escalations, r.takeover_after_hours) for r in rows} == {(None, None)}
    assert all(r.time_limit_value > 0 for r in rows)
    columns = {c["name"] for c in inspect(conn).get_columns("finding_batch")}
    assert {"takeover_after_escalations", "takeover_after_hours"} <= columns
    assert "blur_marks" in {c["name"] for c in inspect(conn).get_columns("case_exposure")}


CHECKS["0015"] = _check_0015_takeover


def _check_0013_patrols(conn: Connection) -> None:
    """0013: patrol tables start empty; old notices keep their case, kind and recipient, are
    addressed to no single account, and a notice without a case but with an account fits."""
    for table in ("patrol_plan", "patrol_check_in", "patrol_photo", "patrol_miss"):
        assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 0
    dump = json.loads(DATA.read_text())
    old = {(r["id"], r["case_id"], r["kind"], r["recipient"]) for r in dump["notification"]}
    rows = conn.execute(
        text("SELECT id, case_id, kind, recipient, account_id, patrol_miss_id FROM notification")
    ).all()
    assert old and {(r.id, r.case_id, r.kind, r.recipient) for r in rows} == old
    assert {(r.account_id, r.patrol_miss_id) for r in rows} == {(None, None)}
    columns = {c["name"]: c for c in inspect(conn).get_columns("notification")}
    assert columns["case_id"]["nullable"] and columns["account_id"]["nullable"]


CHECKS["0013"] = _check_0013_patrols


def _check_0016_case_list_indexes(conn: Connection) -> None:
    """0016 adds indexes only: the five cases are all still there, and a unit's queue, read
    through the new (unit_id, status, id) index's columns, finds the dispatched ones newest
    first."""
    names = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("case")}
    assert names["ix_case_unit_status_id"] == ["unit_id", "status", "id"]
    assert names["ix_case_status_id"] == ["status", "id"]
    assert names["ix_case_category_status_lat_lon"] == ["category_id", "status", "lat", "lon"]
    assert {"ix_case_unit_id", "ix_case_grid_id", "ix_case_category_id"} <= set(names)
    assert conn.execute(text('SELECT COUNT(*) FROM "case"')).scalar_one() == 5
    # The dump's cases: 1 closed (unit 1), 2 dispatched (unit 4), 3 merged, 4 dispatched
    # (unit 1), 5 verifying.
    for unit_id, expected in ((1, [4]), (4, [2]), (2, [])):
        queue = (
            conn.execute(
                text('SELECT id FROM "case" WHERE unit_id = :u AND status = :s ORDER BY id DESC'),
                {"u": unit_id, "s": "dispatched"},
            )
            .scalars()
            .all()
        )
        assert queue == expected


CHECKS["0016"] = _check_0016_case_list_indexes


def _check_0017_event_facts(conn: Connection) -> None:
    """0017 copies every event's statistics columns into case_event_fact (the 20 events of the
    dump, the values read off tests/migration_data/0001.json by hand: only the three dispatches
    name a unit, only the two checks a verdict, case 4's failed) and starts week_snapshot
    empty; case_event keeps its rows and stays append-only."""
    rows = conn.execute(
        text("SELECT event_id, case_id, action, unit_code, passed FROM case_event_fact")
    ).all()
    assert len(rows) == 20
    named = {(r.event_id, r.case_id, r.action, r.unit_code) for r in rows if r.unit_code}
    assert named == {
        (4, 1, "dispatch", "zfj"),
        (9, 2, "dispatch", "hwc"),
        (14, 4, "dispatch", "zfj"),
    }
    verdicts = {(r.event_id, r.action, bool(r.passed)) for r in rows if r.passed is not None}
    assert verdicts == {(6, "check", True), (16, "check", False)}
    same = conn.execute(
        text(
            "SELECT COUNT(*) FROM case_event e JOIN case_event_fact f ON f.event_id = e.id "
            "AND f.case_id = e.case_id AND f.action = e.action AND f.at = e.at"
        )
    ).scalar_one()
    assert same == 20
    assert conn.execute(text("SELECT COUNT(*) FROM week_snapshot")).scalar_one() == 0
    nested = conn.begin_nested()
    try:
        conn.execute(text("UPDATE case_event SET note = 'x' WHERE id = 1"))
    except Exception:  # noqa: BLE001 (the append-only trigger, either driver)
        nested.rollback()
    else:
        raise AssertionError("case_event accepted an UPDATE after 0017")


CHECKS["0017"] = _check_0017_event_facts


def _check_0020_takeover_notices(conn: Connection) -> None:
    """0020 widens the notice kinds: old notices are untouched, and a `takeover` notice fits."""
    dump = json.loads(DATA.read_text())
    old = {(r["id"], r["case_id"], r["kind"], r["message"]) for r in dump["notification"]}
    rows = conn.execute(text("SELECT id, case_id, kind, message FROM notification")).all()
    assert old and {(r.id, r.case_id, r.kind, r.message) for r in rows} == old
    case_id = min(r.case_id for r in rows)
    conn.execute(
        text(
            "INSERT INTO notification (created_at, case_id, unit_id, kind, recipient, message) "
            "VALUES (:at, :case_id, 1, 'takeover', 'unit', '接手整改')"
        ),
        {"at": "2026-11-28 12:00:00", "case_id": case_id},
    )
    assert (
        conn.execute(text("SELECT COUNT(*) FROM notification WHERE kind = 'takeover'")).scalar_one()
        == 1
    )
    conn.rollback()


CHECKS["0020"] = _check_0020_takeover_notices


def _check_0021_zone_level_indexes(conn: Connection) -> None:
    """0021 adds two indexes only: the dump's five cases all lie in community 7 of subdistrict 3
    (tests/migration_data/0001.json), and each page reads them newest first."""
    names = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("case")}
    assert names["ix_case_community_id"] == ["community_id", "id"]
    assert names["ix_case_subdistrict_id"] == ["subdistrict_id", "id"]
    for column, zone_id in (("community_id", 7), ("subdistrict_id", 3)):
        page = (
            conn.execute(
                text(f'SELECT id FROM "case" WHERE {column} = :z ORDER BY id DESC'), {"z": zone_id}
            )
            .scalars()
            .all()
        )
        assert page == [5, 4, 3, 2, 1]


CHECKS["0021"] = _check_0021_zone_level_indexes


def _decode(value):
    if isinstance(value, dict) and "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    return value


def _load_0001_rows(conn: Connection) -> dict[str, int]:
    dump = json.loads(DATA.read_text())
    meta = MetaData()
    meta.reflect(conn)
    for table in meta.sorted_tables:
        rows = [{k: _decode(v) for k, v in row.items()} for row in dump.get(table.name, [])]
        if rows:
            conn.execute(insert(table), rows)
    if conn.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        for table in meta.sorted_tables:
            if "id" in table.c and table.c.id.autoincrement:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'(SELECT COALESCE(MAX(id), 1) FROM "{table.name}"))'
                    )
                )
    return {name: len(rows) for name, rows in dump.items()}


def _counts(conn: Connection) -> dict[str, int]:
    meta = MetaData()
    meta.reflect(conn)
    return {
        t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
        for t in meta.sorted_tables
        if t.name != "alembic_version"
    }


def _revisions_after_0001(app) -> list[str]:
    with app.app_context():
        script = ScriptDirectory.from_config(migrate.get_config())
        order = [rev.revision for rev in script.walk_revisions("base", "heads")]
    order.reverse()  # walk_revisions goes from head down
    assert order[0] == "0001"
    return order[1:]


def test_filled_0001_database_upgrades_to_head_without_losing_rows(backend, tmp_path):
    name, url = backend.factory.create()
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0001")
            with db.engine.begin() as conn:
                loaded = _load_0001_rows(conn)
            assert loaded["case"] == 5 and loaded["case_event"] == 20 and loaded["report"] == 5
            with db.engine.connect() as conn:
                before = _counts(conn)
            assert all(before[t] == n for t, n in loaded.items())
            for revision in _revisions_after_0001(app):
                upgrade(revision=revision)
                with db.engine.connect() as conn:
                    after = _counts(conn)
                    lost = {t: (n, after.get(t)) for t, n in before.items() if after.get(t) != n}
                    assert not lost, f"revision {revision} changed row counts: {lost}"
                    if revision in CHECKS:
                        CHECKS[revision](conn)
                before = after
            db.session.remove()
            db.engine.dispose()
        _works_at_head(app)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        backend.factory.drop(name)


def _works_at_head(app) -> None:
    client = app.test_client()
    headers = auth(client, "dispatcher")
    case = client.get("/api/v1/cases/4", headers=headers)
    assert case.status_code == 200, case.get_json()
    body = case.get_json()
    assert body["status"] == "dispatched" and body["rework_count"] == 1
    assert [e["action"] for e in body["timeline"]] == [
        "report",
        "dispatch",
        "rectify",
        "check",
        "escalate",
        "request-extension",
        "approve-extension",
    ]
    merged = client.get("/api/v1/cases/3", headers=headers).get_json()
    assert merged["status"] == "merged"
    with app.app_context():
        result = CliRunner().invoke(audit_cli, ["verify"], obj=None, standalone_mode=False)
    assert result.exception is None, result.output
