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
CAMPAIGN = frozenset({DISPATCHER, SUPERVISOR, ADMIN})
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


def plant_case(world: World) -> None:
    """A resident's report in WEST_GRID, dispatched to zfj and escalated (so a notice exists),
    and an anonymous report whose tracking token the public rows use."""
    import io

    from werkzeug.datastructures import FileStorage

    from inspector.access.actor import ANONYMOUS as NOBODY
    from inspector.access.models import Account
    from inspector.access.service import actor_of
    from inspector.reports.service import ReportInput, submit_report
    from inspector.sla.models import Notification
    from inspector.timeutil import utcnow
    from inspector.workflow.service import ActionInput, perform

    from .images import jpeg

    def actor(name: str):  # noqa: ANN202
        return actor_of(db.session.scalar(db.select(Account).where(Account.username == name)))

    lat, lon = world.values["lat"], world.values["lon"]

    def report(who, client_id: str):  # noqa: ANN001, ANN202
        files = [FileStorage(io.BytesIO(jpeg(lat, lon, taken_at=utcnow())), "p.jpg")]
        data = ReportInput(lat=lat, lon=lon, category_code="0101", client_id=client_id)
        return submit_report(who, data, files, utcnow())

    mine, _ = report(actor("resident"), "7d1f0c2e-0000-4000-8000-000000000001")
    perform(mine.case, actor("dispatcher"), "file", ActionInput(), utcnow())
    perform(mine.case, actor("dispatcher"), "dispatch", ActionInput(unit_code="zfj"), utcnow())
    perform(mine.case, actor("supervisor"), "escalate", ActionInput(), utcnow())
    _anon, token = report(NOBODY, "7d1f0c2e-0000-4000-8000-000000000002")
    notice = db.session.scalar(db.select(Notification).where(Notification.case_id == mine.case.id))
    world.values.update(
        case_id=mine.case.id,
        report_id=mine.id,
        photo_id=mine.photos[0].id,
        notification_id=notice.id,
        token=token,
    )


# Each planter adds objects to the database and their ids to world.values (inside an app context).
PLANTERS: list[Callable[[World], None]] = [plant_accounts, plant_case]

# Who sees the planted case (a resident's report in WEST_GRID, dispatched to zfj): exact answers.
_CASE_SEEN = {
    "anonymous": 404,
    "resident": 200,
    "resident_other": 404,
    "volunteer": 404,
    "gridworker": 200,
    "gridworker_other": 404,
    "unitstaff": 200,
    "unitstaff_other": 404,
    "dispatcher": 200,
    "dispatcher_east": 404,
    "supervisor": 200,
    "supervisor_west": 200,
    "admin": 200,
}
_PHOTO_SEEN = {**_CASE_SEEN, "anonymous": 401}
_ORIGINAL_SEEN = {**_PHOTO_SEEN, "resident": 404}
# Escalating is for supervisors (and admins); who cannot see the case gets 404, not 403.
_ESCALATE = {actor: (status if status == 404 else 403) for actor, status in _CASE_SEEN.items()} | {
    "supervisor": 200,
    "supervisor_west": 200,
    "admin": 200,
}
_NOTICE_READ = {  # the planted 督办 notice of the case, addressed to zfj
    "gridworker": 404,
    "gridworker_other": 404,
    "volunteer": 404,
    "unitstaff": 200,
    "unitstaff_other": 404,
    "dispatcher": 200,
    "dispatcher_east": 404,
    "supervisor": 200,
    "supervisor_west": 200,
}


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
    served: int = 200  # the exact status of an actor the view serves (not in `expect`)
    prefix: str = "/api/v1"  # "" for the pages (HTML shells and their assets)

    def url(self, world: World) -> str:
        return self.prefix + self.path.format(**world.values)

    def body(self, world: World) -> dict | None:
        return self.json(world) if callable(self.json) else self.json


_SUPERVISION = frozenset({SUPERVISOR, ADMIN, DISPATCHER})
_PATROL_PLANNERS = frozenset({SUPERVISOR, ADMIN})
_PATROL_READERS = _PATROL_PLANNERS | {GRID_WORKER, VOLUNTEER}
# Notices: units read theirs, dispatchers/supervisors/admins those of cases they see, anyone
# those addressed to his account (missed patrols).
_NOTICE_READERS = frozenset({UNIT_STAFF, DISPATCHER, SUPERVISOR, ADMIN, GRID_WORKER, VOLUNTEER})
_SUPERVISION_UNITS = _SUPERVISION | {UNIT_STAFF}

_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[113.13, 30.64], [113.131, 30.64], [113.131, 30.641], [113.13, 30.64]]],
}

ROWS: list[Row] = [
    # auth and the caller's own account
    Row("POST", "/auth/token", PUBLIC, {"username": "volunteer", "password": DEMO_PASSWORD}),
    Row("DELETE", "/auth/token", ANY, served=204),
    Row("GET", "/me", ANY),
    # accounts (admin)
    Row(
        "POST",
        "/accounts",
        ONLY_ADMIN,
        {"username": "newworker", "password": "Secret@2026", "role": "grid_worker"},
        served=201,
    ),
    Row("GET", "/accounts", ONLY_ADMIN),
    Row("POST", "/accounts/{victim}/disable", ONLY_ADMIN),
    Row("POST", "/accounts/{victim}/enable", ONLY_ADMIN),
    # city set-up
    Row(
        "POST",
        "/units",
        ONLY_ADMIN,
        {"code": "m1", "name": "矩阵单位", "kind": "department"},
        served=201,
    ),
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
        served=201,
    ),
    Row("GET", "/categories", PUBLIC),
    Row("POST", "/zones/import", ONLY_ADMIN, {"type": "FeatureCollection", "features": []}),
    Row("GET", "/zones/locate?lat={lat}&lon={lon}", PUBLIC),
    Row("GET", "/zones", STAFF),
    Row("GET", "/zones/export", STAFF),
    Row("GET", "/coords/convert?lat={lat}&lon={lon}&from=wgs84&to=gcj02", PUBLIC),
    Row(
        "POST",
        "/routing-rules",
        ONLY_ADMIN,
        {"category_code": "0101", "zone_code": "429901", "unit_code": "zfj"},
        served=201,
    ),
    Row("GET", "/routing-rules", frozenset({ADMIN, DISPATCHER, SUPERVISOR})),
    Row(
        "GET",
        "/routing/decide?category_code=0101&lat={lat}&lon={lon}",
        frozenset({ADMIN, DISPATCHER, SUPERVISOR}),
    ),
    Row(
        "POST",
        "/points",
        ONLY_ADMIN,
        {"code": "mp1", "name": "矩阵点位", "kind": "park", "unit_code": "ylj", "polygon": _SQUARE},
        served=201,
    ),
    Row("GET", "/points", STAFF),
    Row(
        "POST",
        "/points/import",
        ONLY_ADMIN,
        {"type": "FeatureCollection", "features": []},
    ),
    # campaign tools (创城迎检): point history, board, camera-point evidence
    Row("GET", "/points/P001/history", CAMPAIGN),
    Row("GET", "/points/board", CAMPAIGN),
    Row("GET", "/points/P001/camera", CAMPAIGN),
    # 12345 hotline: JSON instead of multipart gets the clear 422 (no file)
    Row("POST", "/hotline/import", frozenset({DISPATCHER, ADMIN}), {"file": "x"}, served=422),
    Row("GET", "/hotline/callbacks?size=5&seed=1", CAMPAIGN),
    # the planted case is a resident's tip, not a hotline ticket: 404 for those served
    Row("POST", "/hotline/callbacks/{case_id}", CAMPAIGN, {"outcome": "satisfied"}, served=404),
    # patrol plans (巡查): supervisors and admins assign; assignees and planners read
    Row(
        "POST",
        "/patrol-plans",
        _PATROL_PLANNERS,
        {"zone_code": WEST_GRID, "assignee": "gridworker", "every": "day"},
        served=201,
    ),
    Row("GET", "/patrol-plans", _PATROL_READERS),
    # changing a plan: planners only; no such plan answers the same 404 (test_patrols)
    Row("PATCH", "/patrol-plans/999999", _PATROL_PLANNERS, {"note": "x"}, served=404),
    Row("GET", "/patrols?due=today", _PATROL_READERS),
    Row("GET", "/patrols/missed", _PATROL_READERS),
    # no such plan: every assignee role gets the same 404 (check-ins: test_patrols)
    Row("POST", "/patrols/999999/check-in", frozenset({GRID_WORKER, VOLUNTEER}), served=404),
    # 随手拍 intake and follow-up
    # JSON instead of multipart: everyone gets the same clear 422 (no photo), never a 5xx.
    Row("POST", "/reports", PUBLIC, {"description": "JSON, not multipart"}, served=422),
    Row("GET", "/reports/{report_id}", PUBLIC, expect=_CASE_SEEN),
    Row("GET", "/reports/track?token={token}", PUBLIC),
    Row("GET", "/me/reports", ANY),
    # cases
    Row("GET", "/cases", ANY),
    Row("GET", "/cases/{case_id}", PUBLIC, expect=_CASE_SEEN),
    Row("POST", "/cases/{case_id}/escalate", PUBLIC, {"note": "督办"}, expect=_ESCALATE),
    # findings lists (问题清单): JSON instead of multipart gives the served roles a clear 422
    Row("POST", "/findings/batches", frozenset({SUPERVISOR, ADMIN}), {"name": "x"}, served=422),
    Row("GET", "/findings/batches/999999", frozenset({SUPERVISOR, ADMIN, DISPATCHER}), served=404),
    Row(
        "POST",
        "/campaigns",
        frozenset({SUPERVISOR, ADMIN}),
        {"name": "矩阵专项", "from": "2026-11-01", "to": "2026-11-30"},
        served=201,
    ),
    Row("GET", "/campaigns/999999/report", frozenset({SUPERVISOR, ADMIN, DISPATCHER}), served=404),
    Row("POST", "/cases/{case_id}/expose", frozenset({SUPERVISOR}), {"note": "曝光"}),
    Row("GET", "/public/exposure", PUBLIC),
    # 有奖举报: one's own ledger (any account; staff simply have none), staff's view of a
    # person's ledger, and the public monthly board (masked names and phones)
    Row("GET", "/rewards/me", ANY),
    Row("GET", "/rewards/mine", ANY),
    Row("GET", "/rewards/accounts/resident", frozenset({DISPATCHER, SUPERVISOR, ADMIN})),
    Row("GET", "/rewards/leaderboard?month=2026-11", PUBLIC),
    Row("GET", "/rewards/payout.csv?month=2026-11", ONLY_ADMIN),
    Row("GET", "/rewards/payout.xlsx?month=2026-11", ONLY_ADMIN),
    Row("GET", "/public/exposure/photos/999999.jpg", PUBLIC, served=404),
    # photos (bearer requests; signed URLs are tested in test_photos_api)
    Row("GET", "/photos/{photo_id}/display.jpg", PUBLIC, expect=_PHOTO_SEEN),
    Row("GET", "/photos/{photo_id}/thumb.jpg", PUBLIC, expect=_PHOTO_SEEN),
    Row("GET", "/photos/{photo_id}/original", PUBLIC, expect=_ORIGINAL_SEEN),
    # notifications of the tick job and of escalations
    Row("GET", "/notifications", _NOTICE_READERS),
    Row(
        "POST",
        "/notifications/{notification_id}/read",
        _NOTICE_READERS,
        expect=_NOTICE_READ,
    ),
    # pages: HTML shells without data (the API decides what each script may read) and assets
    *(
        Row("GET", path, PUBLIC, prefix="")
        for path in (
            "/",
            "/api/v1/",
            "/m/",
            "/m/mine",
            "/m/tasks",
            "/console/",
            "/console/cases/{case_id}",
            "/console/map",
            "/console/stats",
            "/console/bulletins",
            "/assets/common.js",
            "/api/v1/docs/",
            "/api/v1/docs/assets/swagger-ui-bundle.js",
        )
    ),
    # probes for load balancers: states only, no data
    Row("GET", "/healthz", PUBLIC, prefix=""),
    Row("GET", "/readyz", PUBLIC, prefix=""),
    # supervision (督查考核): indicators and rankings; unit staff read their own unit's
    Row("GET", "/stats/units?from=2026-11-16&to=2026-11-22", _SUPERVISION_UNITS),
    Row("GET", "/stats/grids?from=2026-11-16&to=2026-11-22", _SUPERVISION),
    Row("GET", "/stats/categories?from=2026-11-16&to=2026-11-22", _SUPERVISION),
    Row("GET", "/stats/reporters?from=2026-11-16&to=2026-11-22", _SUPERVISION),
    Row("GET", "/rankings?week=2026-W47", _SUPERVISION_UNITS),
    Row("GET", "/bulletins", _SUPERVISION_UNITS),
    Row("GET", "/bulletins/weekly?week=2026-W47", _SUPERVISION_UNITS),
    Row("GET", "/bulletins/monthly?month=2026-10", _SUPERVISION_UNITS),
    # a period not over yet: every served actor gets the same 409 (publishing: bulletin tests)
    Row("POST", "/bulletins/weekly/2099-W01/publish", frozenset({SUPERVISOR, ADMIN}), served=409),
    Row("POST", "/bulletins/monthly/2099-01/publish", frozenset({SUPERVISOR, ADMIN}), served=409),
    Row("GET", "/exports/cases.xlsx", STAFF),
    Row("GET", "/exports/cases.csv", STAFF),
    Row("GET", "/exports/cases.geojson?from=2026-11-01&to=2026-11-30", STAFF),
]


def expected(row: Row, actor: str) -> int:
    """The exact status an actor must get: `expect`, else 401/403 by role, else `served`."""
    if actor in row.expect:
        return row.expect[actor]
    if row.roles == PUBLIC:
        return row.served
    role = ACTORS[actor]
    if role is None:
        return 401
    return row.served if role in row.roles else 403


def call(client, world: World, row: Row, actor: str):
    return client.open(
        row.url(world), method=row.method, json=row.body(world), headers=world.headers(actor)
    )


def actor_order(row: Row) -> list[str]:
    """Refused actors first: the served ones may change state (disable an account, log out)."""
    return sorted(ACTORS, key=lambda a: expected(row, a) < 400)
