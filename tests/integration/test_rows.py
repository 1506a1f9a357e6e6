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


def _photo(n: int, report: Report, **extra) -> Photo:  # noqa: ANN003
    return Photo(
        sha256=f"{n:x}" * 64,
        storage_key=f"originals/{n}/x.jpg",
        mime="image/jpeg",
        size_bytes=1000 + n,
        width=40 + n,
        height=30,
        position=n,
        report=report,
        **extra,
    )


def test_neighbours_of_one_table_share_a_statement(demo_app):
    """A report's photos: one multi-row INSERT on PostgreSQL, each object given its own row back
    (not its neighbour's); a photo setting other columns starts a statement of its own."""
    postgres = demo_app.config["TEST_BACKEND"] == "postgresql"
    with demo_app.app_context():
        case = Case(number="T20261129003", source="tip", lat=30.6, lon=113.1)
        report = Report(source="tip", lat=30.6, lon=113.1, case=case)
        photos = [_photo(n, report) for n in (3, 1, 2)]
        odd = _photo(4, report, camera_make="Huawei")  # one more column set
        statements = _statements(db.engine)
        insert_new([case, report, *photos, odd])
        inserts = [s.split(" (")[0] for s in statements]
        # SQLite does not promise RETURNING's order for several rows: SQLAlchemy sends them one
        # by one there (the embedded default has one writer anyway).
        assert inserts == ['insert into "case"', "insert into report"] + (
            ["insert into photo"] * 2 if postgres else ["insert into photo"] * 4
        )
        assert [(p.position, p.size_bytes, p.width) for p in photos] == [
            (3, 1003, 43),
            (1, 1001, 41),
            (2, 1002, 42),
        ]
        assert len({p.id for p in [*photos, odd]}) == 4
        assert all(p.report_id == report.id and p.orientation == 1 for p in photos)
        db.session.commit()
        stored = db.session.execute(
            select(Photo.id, Photo.position, Photo.camera_make).order_by(Photo.id)
        ).all()
        by_id = {p.id: (p.position, p.camera_make) for p in [*photos, odd]}
        assert {row.id: (row.position, row.camera_make) for row in stored} == by_id
        assert by_id[odd.id] == (4, "Huawei")
