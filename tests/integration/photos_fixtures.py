"""Rows the photo tests attach photos to: the integrator owns report/case intake, so these
tests create Report and Case rows directly, in the demo city."""

from __future__ import annotations

import io

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from inspector.access.models import Account
from inspector.extensions import db
from inspector.grid.models import Zone
from inspector.org.models import Unit
from inspector.reports.models import Report
from inspector.workflow.models import Case

COMMUNITY = "429901001001"  # the demo grid worker's community


def upload(data: bytes, name: str = "IMG_0001.jpg", ctype: str = "image/jpeg") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type=ctype)


def account_id(username: str) -> int:
    return db.session.scalar(select(Account.id).where(Account.username == username))


def make_case(photos: list, unit_code: str = "zfj", reporter: str | None = "resident") -> Case:
    """A case in a grid of COMMUNITY, for unit `unit_code`, whose report carries `photos`."""
    grid = db.session.scalar(
        select(Zone)
        .where(Zone.level == "grid", Zone.code.startswith(COMMUNITY))
        .order_by(Zone.code)
    )
    community = grid.parent
    subdistrict = community.parent
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    case = Case(
        number=f"T{len(photos)}{photos[0].id:08d}",
        status="dispatched",
        source="tip",
        unit_id=unit.id,
        grid_id=grid.id,
        community_id=community.id,
        subdistrict_id=subdistrict.id,
        district_id=subdistrict.parent_id,
        lat=(grid.min_lat + grid.max_lat) / 2,
        lon=(grid.min_lon + grid.max_lon) / 2,
    )
    report = Report(
        source="tip",
        reporter_id=account_id(reporter) if reporter else None,
        lat=case.lat,
        lon=case.lon,
        grid_id=grid.id,
        case=case,
    )
    db.session.add_all([case, report])
    for photo in photos:
        photo.report = report
    db.session.flush()
    return case
