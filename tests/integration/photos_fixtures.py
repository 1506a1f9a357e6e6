"""Rows the photo tests attach photos to: the integrator owns report/case intake, so these
tests create Report and Case rows directly, in the demo city."""

from __future__ import annotations

import io

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from inspector.extensions import db
from inspector.grid.models import Zone
from inspector.workflow.models import Case

from .. import factories
from ..factories import account_id  # noqa: F401 - photos tests import it from here

COMMUNITY = "429901001001"  # the demo grid worker's community


def upload(data: bytes, name: str = "IMG_0001.jpg", ctype: str = "image/jpeg") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type=ctype)


def make_case(photos: list, unit_code: str = "zfj", reporter: str | None = "resident") -> Case:
    """A case in a grid of COMMUNITY, for unit `unit_code`, whose report carries `photos`."""
    grid = db.session.scalar(
        select(Zone)
        .where(Zone.level == "grid", Zone.code.startswith(COMMUNITY))
        .order_by(Zone.code)
    )
    case = factories.make_case(status="dispatched", grid_code=grid.code, unit_code=unit_code)
    factories.make_report(case, reporter, photos=photos)
    return case
