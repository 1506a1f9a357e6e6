"""Schema: migrations match the models on both databases; constraints hold."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from inspector.errors import ApiError
from inspector.extensions import db
from inspector.grid.service import import_zones
from inspector.models import Account, CaseEvent, Unit
from inspector.org.service import upsert_unit
from inspector.workflow.models import AppendOnlyError

from ..factories import make_case


def test_migrations_and_models_do_not_drift(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_unit_codes_are_unique(app):
    with app.app_context():
        db.session.add_all([Unit(code="a", name="甲"), Unit(code="a", name="乙")])
        with pytest.raises(IntegrityError):
            db.session.flush()


def test_account_role_must_be_known_and_unit_staff_needs_unit(app):
    with app.app_context():
        db.session.add(Account(username="x", password_hash="h", role="king"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
        db.session.add(Account(username="y", password_hash="h", role="unit_staff"))
        with pytest.raises(IntegrityError):
            db.session.flush()


def _square(x: float, y: float, size: float = 0.01) -> dict:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _fc(*features: tuple) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": geom} for props, geom in features
        ],
    }


def test_zone_parent_levels_are_enforced(app):
    with app.app_context():
        import_zones(
            _fc(({"code": "110101", "name": "区", "level": "district"}, _square(116, 39, 1)))
        )
        bad = _fc(
            (
                {
                    "code": "110101001001",
                    "name": "社区",
                    "level": "community",
                    "parent_code": "110101",
                },
                _square(116.1, 39.1),
            )
        )
        with pytest.raises(ApiError) as err:
            import_zones(bad)
        assert "parent" in err.value.message
        # And the database refuses a district with a parent or a grid without one.
        db.session.rollback()
        with pytest.raises(IntegrityError):
            db.session.execute(
                text(
                    "INSERT INTO zone (code, name, level, geometry, min_lon, min_lat, max_lon, max_lat, updated_at)"
                    " VALUES ('x', 'x', 'grid', '{}', 0, 0, 0, 0, '2026-01-01')"
                )
            )


def _case_with_event() -> CaseEvent:
    upsert_unit("u", "单位")
    case = make_case(number="2026112700001", source="patrol", lat=30.6, lon=113.1)
    event = CaseEvent(case=case, seq=1, action="report", prev_hash="0" * 64, hash="1" * 64)
    db.session.add(event)
    db.session.flush()
    return event


def test_timeline_is_append_only_in_orm(app):
    with app.app_context():
        event = _case_with_event()
        event.note = "改写"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()
        event = _case_with_event()
        db.session.delete(event)
        with pytest.raises(AppendOnlyError):
            db.session.flush()


def test_timeline_is_append_only_in_database(app):
    with app.app_context():
        event_id = _case_with_event().id
        db.session.commit()
        for statement in (
            f"UPDATE case_event SET note = 'forged' WHERE id = {event_id}",
            f"DELETE FROM case_event WHERE id = {event_id}",
        ):
            with pytest.raises(DBAPIError):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.scalar(select(CaseEvent.note).where(CaseEvent.id == event_id)) is None
