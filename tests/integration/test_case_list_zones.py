"""Zone-bound callers' case lists: each bound zone tested against its own level's column.

The demo county's zone codes read district (6 digits) + subdistrict (3) + community (3) + grid
(3). Seven cases are placed by hand; who sees which is worked out below from those codes, not
asked of the code under test. Runs on SQLite and PostgreSQL (the `backend` fixture).
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from inspector.access.models import Account
from inspector.access.service import actor_of, create_account
from inspector.extensions import db
from inspector.setup.demo_data import DEMO_PASSWORD
from inspector.supervision import exports
from inspector.workflow.queries import visible_cases

from ..factories import make_case
from ..helpers import auth

CASES = {  # number -> (grid code, unit code, category code)
    "A": ("429901001001001", "zfj", "0101"),  # 西城区 解放街道 鼓楼社区, grid 1
    "B": ("429901001001002", "jjdd", "0101"),  # 西城区 解放街道 鼓楼社区, grid 2
    "C": ("429901001002001", "zfj", "0102"),  # 西城区 解放街道 文化社区, grid 1
    "D": ("429902002002025", "hwc", "0102"),  # 东城区 建设街道 湖滨社区, grid 25
    "E": ("429902001001005", "zfj", "0101"),  # 东城区 新华街道 新华社区, grid 5
    "F": ("429901002001003", "jjdd", "0102"),  # 西城区 人民街道 钟楼社区, grid 3
    "G": (None, "zfj", "0101"),  # outside every grid
}
ACCOUNTS = {  # username -> (role, bound zone codes, the cases it sees)
    # two grids in two districts: only those grids' cases
    "gw_two": ("grid_worker", ["429901001001001", "429902002002025"], {"A", "D"}),
    # a community: its grids' cases (C), not its neighbour 鼓楼社区's (A, B)
    "sup_community": ("supervisor", ["429901001002"], {"C"}),
    # a subdistrict: 人民街道 holds only F's grid among the cases
    "sup_subdistrict": ("supervisor", ["429901002"], {"F"}),
    # levels mixed: all of 东城区 (D, E) and one grid of 西城区 (F)
    "disp_mixed": ("dispatcher", ["429902", "429901002001003"], {"D", "E", "F"}),
}


def _plant() -> None:
    for number, (grid, unit, category) in CASES.items():
        make_case(number=number, grid_code=grid, unit_code=unit, category_code=category)
    for username, (role, zones, _seen) in ACCOUNTS.items():
        create_account(username, DEMO_PASSWORD, role, zone_codes=zones)
    db.session.commit()


def _listed(client, username: str, query: str = "") -> set[str]:  # noqa: ANN001
    answer = client.get(f"/api/v1/cases?limit=200{query}", headers=auth(client, username))
    assert answer.status_code == 200, answer.get_json()
    return {item["number"] for item in answer.get_json()["items"]}


def test_zone_bound_callers_list_exactly_their_zones_cases(demo_app):
    with demo_app.app_context():
        _plant()
    client = demo_app.test_client()
    for username, (_role, _zones, seen) in ACCOUNTS.items():
        assert _listed(client, username) == seen, username
    # filters inside the zones: the grid worker's zfj cases are A only (D is 环卫处's)
    assert _listed(client, "gw_two", "&unit_code=zfj") == {"A"}
    assert _listed(client, "disp_mixed", "&category_code=0101") == {"E"}
    assert _listed(client, "disp_mixed", "&grid_code=429902001001005") == {"E"}
    assert _listed(client, "disp_mixed", "&grid_code=429901001001001") == set()  # not his


def test_code_filters_of_a_citywide_dispatcher(demo_app):
    with demo_app.app_context():
        _plant()
    client = demo_app.test_client()
    assert _listed(client, "dispatcher", "&unit_code=zfj") == {"A", "C", "E", "G"}
    assert _listed(client, "dispatcher", "&unit_code=jjdd") == {"B", "F"}
    assert _listed(client, "dispatcher", "&grid_code=429901001001002") == {"B"}
    assert _listed(client, "dispatcher", "&category_code=0102") == {"C", "D", "F"}
    for unknown in ("&unit_code=nope", "&grid_code=999999999999999", "&category_code=9999"):
        assert _listed(client, "dispatcher", unknown) == set(), unknown


def test_each_zone_is_tested_against_its_own_level_only(demo_app):
    """No `community_id IN (...) OR subdistrict_id IN (...) ...` for a grid worker: his grids
    against grid_id (indexed), nothing else; a district against district_id."""
    with demo_app.app_context():
        _plant()
        actors = {
            name: actor_of(db.session.scalar(select(Account).where(Account.username == name)))
            for name in ("gw_two", "disp_mixed")
        }
    # built after the app context has gone, as streamed exports build it
    grid_worker = str(visible_cases(actors["gw_two"]))
    assert "grid_id" in grid_worker
    assert not {"community_id", "subdistrict_id", "district_id"} & set(grid_worker.split())
    mixed = str(visible_cases(actors["disp_mixed"]))
    assert "grid_id" in mixed and "district_id" in mixed
    assert "community_id" not in mixed and "subdistrict_id" not in mixed


def test_streamed_export_of_a_zone_bound_dispatcher(demo_app):
    """The export's rows are read after the request's app context has gone."""
    with demo_app.app_context():
        _plant()
    client = demo_app.test_client()
    answer = client.get("/api/v1/exports/cases.csv", headers=auth(client, "disp_mixed"))
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    number = rows[0].index(dict(exports.COLUMNS)["number"])
    assert {row[number] for row in rows[1:]} == {"D", "E", "F"}
