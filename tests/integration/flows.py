"""Drives the closed loop over HTTP for tests: post reports, act on cases."""

from __future__ import annotations

import io
import uuid
from typing import Any

from flask.testing import FlaskClient

from inspector.setup.demo import grid_center
from inspector.timeutil import utcnow

from ..helpers import auth
from ..images import jpeg

GRID = "429901001001007"  # in the demo grid worker's community (鼓楼社区)
OTHER_GRID = "429902002002013"  # far away, in 湖滨社区


def spot(grid: str = GRID) -> tuple[float, float]:
    return grid_center(grid)


def photo(lat: float | None, lon: float | None, **kwargs: Any) -> tuple[io.BytesIO, str]:
    return io.BytesIO(jpeg(lat, lon, taken_at=kwargs.pop("taken_at", utcnow()), **kwargs)), "p.jpg"


def post_report(
    client: FlaskClient,
    user: str | None,
    grid: str = GRID,
    category: str | None = "0101",
    headers: dict | None = None,
    **fields: Any,
):
    lat, lon = spot(grid)
    data: dict[str, Any] = {"lat": str(lat), "lon": str(lon), "photo": photo(lat, lon)}
    if category:
        data["category_code"] = category
    data.update({k: v for k, v in fields.items() if v is not None})
    if headers is None:
        headers = auth(client, user) if user else {}
    return client.post(
        "/api/v1/reports", data=data, headers=headers, content_type="multipart/form-data"
    )


def act(
    client: FlaskClient,
    user: str | None,
    case_id: int,
    action: str,
    headers: dict | None = None,
    **body: Any,
):
    headers = headers if headers is not None else (auth(client, user) if user else {})
    return client.post(f"/api/v1/cases/{case_id}/{action}", json=body, headers=headers)


def act_on_site(
    client: FlaskClient,
    user: str,
    case_id: int,
    action: str,
    grid: str = GRID,
    with_photo: bool = True,
    **fields: Any,
):
    lat, lon = spot(grid)
    data: dict[str, Any] = {"lat": str(lat), "lon": str(lon)}
    if with_photo:
        data["photo"] = photo(lat, lon)
    data.update({k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in fields.items()})
    return client.post(
        f"/api/v1/cases/{case_id}/{action}",
        data=data,
        headers=auth(client, user),
        content_type="multipart/form-data",
    )


def new_client_id() -> str:
    return str(uuid.uuid4())
