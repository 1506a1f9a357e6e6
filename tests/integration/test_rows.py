"""rows.insert_new: new rows written with one INSERT each, then attached as if flushed."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from inspector.categories.models import Category
from inspector.errors import ApiError
from inspector.extensions import db
from inspector.photos.models import Photo
from inspector.reports.models import Report
from inspector.rows import insert_new
from inspector.workflow.models import Case


def _statements(engine) -> list[str]:  # noqa: ANN001
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        seen.append(" ".join(statement.split()).lower())

    event.listen(engine, "before_cursor_execute", listen)
    return seen


def test_rows_are_written_complete_and_attached(demo_app):
    with demo_app.app_context():
        category = db.session.scalar(select(Category).where(Category.code == "0101"))
        case = Case(number="T20261129001", source="tip", lat=30.6, lon=113.1, category=category)
        report = Report(source="tip", lat=30.6, lon=113.1, case=case, category=category)
        photo = Photo(
            sha256="a" * 64,
            storage_key="originals/aa/x.jpg",
            mime="image/jpeg",
            size_bytes=1000,
            width=40,
            height=30,
        )
        photo.report = report
        db.session.add(photo)  # pending (as intake's photo rows are): written here, once
        statements = _statements(db.engine)
        insert_new([case, report, photo])
        # Every column came back with its INSERT: the model's defaults (workflow/models.py:
        # status "new", counters 0, version 1) read without another statement.
        assert (case.status, case.rework_count, case.escalation_level, case.version) == (
            "new",
            0,
            0,
            1,
        )
        assert case.created_at is not None and case.id is not None
        assert (report.case_id, report.category_id, photo.report_id) == (
            case.id,
            category.id,
            report.id,
        )
        assert case.reports == [report] and report.photos == [photo]
        assert photo.orientation == 1 and photo.position == 0  # Photo's defaults
        assert [s.split(" (")[0] for s in statements] == [
            'insert into "case"',
            "insert into report",
            "insert into photo",
        ]
        # Attached as persistent rows: a flush writes nothing more, a change is an UPDATE.
        db.session.flush()
        assert len(statements) == 3
        case.address = "某街 1 号"
        db.session.flush()
        assert statements[3].startswith('update "case" set address=')
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Photo)) == 1
        assert db.session.get(Report, report.id).case_id == case.id


def test_length_guard_and_only_new_objects(demo_app):
    with demo_app.app_context():
        too_long = Case(number="T" * 21, source="tip", lat=30.6, lon=113.1)  # number: 20 chars
        with pytest.raises(ApiError) as refused:
            insert_new([too_long])
        assert refused.value.code == "invalid_input"
        written = Case(number="T20261129002", source="tip", lat=30.6, lon=113.1)
        insert_new([written])
        with pytest.raises(ValueError, match="not a new object"):
            insert_new([written])
        orphan = Report(source="tip", lat=30.6, lon=113.1, case=Case(number="T3", source="tip"))
        with pytest.raises(ValueError, match="not written yet"):
            insert_new([orphan])  # its case comes neither earlier nor from the database
