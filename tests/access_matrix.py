"""The role x endpoint access matrix: ONE data table, one row per (method, endpoint).

Adding an endpoint: add a `Row` to ROWS (and, if it needs objects, a planter to PLANTERS that
stores their ids in `world.values`). `test_access_matrix.py` fails for any route of the app
without a row, and for any row whose declared roles differ from the view's declaration.

Actors are the demo accounts plus accounts planted for the "own / other" comparisons: another
unit's staff, a grid worker of other grids, zone-bound dispatcher and supervisor, another
resident. A row's `expect` pins exact answers for such actors (hidden objects answer 404).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from inspector.access.passwords import hash_password
from inspector.access.roles import (
    ADMIN,
    DISPATCHER,
    GRID_WORKER,
    RESIDENT,
    ROLES,
    STAFF_ROLES,
    SUPERVISOR,
    UNIT_STAFF,
    VOLUNTEER,
)
from inspector.access.service import create_account, issue_token
from inspector.extensions import db
from inspector.setup.demo import grid_center, zone_features
from inspector.setup.demo_data import DEMO_PASSWORD

PUBLIC = "public"  # a row's `roles` for views open to anonymous callers
ANY = frozenset(ROLES)  # any logged-in account
STAFF = frozenset(STAFF_ROLES)
ONLY_ADMIN = frozenset({ADMIN})
ANONYMOUS = "anonymous"

# actor name -> role. The first seven are the demo accounts.
ACTORS: dict[str, str | None] = {
    ANONYMOUS: None,
    "resident": RESIDENT,
    "volunteer": VOLUNTEER,
    "gridworker": GRID_WORKER,
    "dispatcher": DISPATCHER,
    "unitstaff": UNIT_STAFF,
    "supervisor": SUPERVISOR,
    "admin": ADMIN,
    "unitstaff_other": UNIT_STAFF,  # unit jjdd 交警大队 (unitstaff is zfj 综合执法局)
    "gridworker_other": GRID_WORKER,  # grids of 新华社区 in 东城区 (gridworker: 鼓楼社区, 西城区)
    "dispatcher_east": DISPATCHER,  # bound to district 429902 东城区
    "supervisor_west": SUPERVISOR,  # bound to district 429901 西城区
    "resident_other": RESIDENT,
}

WEST_GRID = "429901001001007"  # in gridworker's community 鼓楼社区
EAST_GRID = "429902001001007"  # in gridworker_other's community 新华社区


@dataclass
class World:
    """What a matrix row may refer to: tokens per actor, and planted ids for path placeholders."""

    app: Flask
    tokens: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def headers(self, actor: str) -> dict[str, str]:
        token = self.tokens.get(actor)
        return {"Authorization": f"Bearer {token}"} if token else {}


def _grids_of(community: str) -> list[str]:
    return [
        f["properties"]["code"]
        for f in zone_features()
        if f["properties"]["level"] == "grid" and f["properties"]["code"].startswith(community)
    ]


def plant_accounts(world: World) -> None:
    digest = hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    for username, role, unit, zones, name in (
        ("unitstaff_other", UNIT_STAFF, "jjdd", None, "交警队员"),
        ("gridworker_other", GRID_WORKER, None, _grids_of("429902001001"), "网格员"),
        ("dispatcher_east", DISPATCHER, None, ["429902"], "东城座席员"),
        ("supervisor_west", SUPERVISOR, None, ["429901"], "西城督查"),
        ("resident_other", RESIDENT, None, None, "市民李女士"),
    ):
        create_account(username, DEMO_PASSWORD, role, unit, zones, name, password_hash=digest)
    world.values["victim"] = "resident_other"
    lat, lon = grid_center(WEST_GRID)
    world.values.update(lat=lat, lon=lon)


# Each planter adds objects to the database and their ids to world.values (inside an app context).
PLANTERS: list[Callable[[World], None]] = [plant_accounts]


def plant_world(app: Flask) -> World:
    """Plant the actors and objects, and give every actor a token (no password hashing per row)."""
    from inspector.access.models import Account

    world = World(app)
    with app.app_context():
        for planter in PLANTERS:
            planter(world)
        for actor in ACTORS:
            if actor == ANONYMOUS:
                continue
            account = db.session.scalar(db.select(Account).where(Account.username == actor))
            world.tokens[actor], _row = issue_token(account, 1)
        db.session.commit()
    return world


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # with {placeholders} filled from World.values
    roles: frozenset[str] | str  # the roles the view serves, or PUBLIC
    json: dict | Callable[[World], dict] | None = None
    expect: dict[str, int] = field(default_factory=dict)  # actor -> exact status

    def url(self, world: World) -> str:
        return "/api/v1" + self.path.format(**world.values)

    def body(self, world: World) -> dict | None:
        return self.json(world) if callable(self.json) else self.json


_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[113.13, 30.64], [113.131, 30.64], [113.131, 30.641], [113.13, 30.64]]],
}

ROWS: list[Row] = [
    # auth and the caller's own account
    Row("POST", "/auth/token", PUBLIC, {"username": "volunteer", "password": DEMO_PASSWORD}),
    Row("DELETE", "/auth/token", ANY),
    Row("GET", "/me", ANY),
    # accounts (admin)
    Row(
        "POST",
        "/accounts",
        ONLY_ADMIN,
        {"username": "newworker", "password": "Secret@2026", "role": "grid_worker"},
    ),
    Row("GET", "/accounts", ONLY_ADMIN),
    Row("POST", "/accounts/{victim}/disable", ONLY_ADMIN),
    Row("POST", "/accounts/{victim}/enable", ONLY_ADMIN),
    # city set-up
    Row("POST", "/units", ONLY_ADMIN, {"code": "m1", "name": "矩阵单位", "kind": "department"}),
    Row("GET", "/units", STAFF),
    Row(
        "POST",
        "/categories",
        ONLY_ADMIN,
        {
            "code": "9901",
            "name": "矩阵类别",
            "family": "event",
            "time_limit": {"value": 2, "unit": "work_hours"},
        },
    ),
    Row("GET", "/categories", PUBLIC),
    Row("POST", "/zones/import", ONLY_ADMIN, {"type": "FeatureCollection", "features": []}),
    Row("GET", "/zones/locate?lat={lat}&lon={lon}", PUBLIC),
    Row("GET", "/zones", STAFF),
    Row(
        "POST",
        "/routing-rules",
        ONLY_ADMIN,
        {"category_code": "0101", "zone_code": "429901", "unit_code": "zfj"},
    ),
    Row("GET", "/routing-rules", frozenset({ADMIN, DISPATCHER, SUPERVISOR})),
    Row(
        "POST",
        "/points",
        ONLY_ADMIN,
        {"code": "mp1", "name": "矩阵点位", "kind": "park", "unit_code": "ylj", "polygon": _SQUARE},
    ),
    Row("GET", "/points", STAFF),
]


def expected(row: Row, actor: str) -> int | None:
    """The exact status an actor must get, or None for "served" (neither 401 nor 403 nor 5xx)."""
    if actor in row.expect:
        return row.expect[actor]
    if row.roles == PUBLIC:
        return None
    role = ACTORS[actor]
    if role is None:
        return 401
    return None if role in row.roles else 403


def call(client, world: World, row: Row, actor: str):
    return client.open(
        row.url(world), method=row.method, json=row.body(world), headers=world.headers(actor)
    )


def actor_order(row: Row) -> list[str]:
    """Refused actors first: the served ones may change state (disable an account, log out)."""
    return sorted(ACTORS, key=lambda a: expected(row, a) is None)
