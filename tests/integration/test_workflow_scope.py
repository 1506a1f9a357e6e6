"""Every case an action names passes the caller's visibility check (issue 9, item 4).

The probe: a zone-bound dispatcher merged a case into one outside his zone, and learnt which
ids exist because a missing target answered 422 but a hidden one 200.
"""

from __future__ import annotations

from sqlalchemy import select

from inspector.access.service import create_account
from inspector.extensions import db
from inspector.models import Case, CaseEvent
from inspector.setup.demo_data import DEMO_PASSWORD

from ..helpers import auth
from .flows import act, post_report

EAST_GRID = "429902001001007"  # 东城区
WEST_GRID = "429901001001007"  # 西城区


def test_zone_bound_dispatcher_cannot_merge_into_a_case_he_may_not_see(demo_client, demo_app):
    c = demo_client
    with demo_app.app_context():
        create_account("dispatcher_east", DEMO_PASSWORD, "dispatcher", None, ["429902"], "东城座席")
        db.session.commit()
    east = post_report(c, "resident", grid=EAST_GRID).get_json()["case"]["id"]
    east_too = post_report(c, "resident", grid=EAST_GRID, category="0603").get_json()["case"]["id"]
    west = post_report(c, "resident", grid=WEST_GRID).get_json()["case"]["id"]
    headers = auth(c, "dispatcher_east")
    assert c.get(f"/api/v1/cases/{west}", headers=headers).status_code == 404  # hidden from him

    hidden = act(c, None, east, "merge", headers=headers, into=west)
    missing = act(c, None, east, "merge", headers=headers, into=west + 1000)
    assert hidden.status_code == missing.status_code == 422
    assert hidden.get_json() == missing.get_json()
    assert hidden.get_json()["error"]["field"] == "into"

    with demo_app.app_context():
        for case_id in (east, west):
            assert db.session.get(Case, case_id).status == "verifying"
        merges = select(CaseEvent).where(CaseEvent.action == "merge")
        assert db.session.scalars(merges).all() == []

    # A target in his zone is merged as before; a citywide dispatcher may use any target.
    assert act(c, None, east, "merge", headers=headers, into=east_too).status_code == 200
    assert act(c, "dispatcher", west, "merge", into=east_too).status_code == 200
