"""scopes.visible_cases (SQL) agrees with policy.can_see_case (Python) for every actor and case."""

from __future__ import annotations

from sqlalchemy import select

from inspector.access.models import Account
from inspector.access.policy import can_see_case
from inspector.access.scopes import visible_cases
from inspector.access.service import actor_of
from inspector.extensions import db
from inspector.grid.models import Zone
from inspector.org.models import Unit
from inspector.reports.models import Report
from inspector.workflow.facts import case_facts
from inspector.workflow.models import Case

from ..access_matrix import ACTORS, ANONYMOUS, EAST_GRID, WEST_GRID, World, plant_accounts

EXPECTED = {  # actor -> numbers of the cases it sees
    "resident": {"W1"},
    "resident_other": set(),
    "volunteer": set(),
    "gridworker": {"W1", "W2"},
    "gridworker_other": {"E1"},
    "dispatcher": {"W1", "W2", "E1"},
    "dispatcher_east": {"E1"},
    "supervisor": {"W1", "W2", "E1"},
    "supervisor_west": {"W1", "W2"},
    "unitstaff": {"W1", "E1"},
    "unitstaff_other": {"W2"},
    "admin": {"W1", "W2", "E1"},
}


def _case(number: str, grid_code: str, unit_code: str) -> Case:
    grid = db.session.scalar(select(Zone).where(Zone.code == grid_code))
    community = grid.parent
    subdistrict = community.parent
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
    case = Case(
        number=number,
        source="tip",
        lat=30.64,
        lon=113.13,
        unit_id=unit.id,
        grid_id=grid.id,
        community_id=community.id,
        subdistrict_id=subdistrict.id,
        district_id=subdistrict.parent_id,
    )
    db.session.add(case)
    db.session.flush()
    return case


def test_sql_scope_and_policy_agree(demo_app):
    with demo_app.app_context():
        plant_accounts(World(demo_app))
        w1 = _case("W1", WEST_GRID, "zfj")
        _case("W2", WEST_GRID, "jjdd")
        _case("E1", EAST_GRID, "zfj")
        resident = db.session.scalar(select(Account).where(Account.username == "resident"))
        db.session.add(Report(source="tip", reporter_id=resident.id, case_id=w1.id))
        db.session.commit()
        cases = db.session.scalars(select(Case)).all()
        for name in ACTORS:
            if name == ANONYMOUS:
                continue
            account = db.session.scalar(select(Account).where(Account.username == name))
            actor = actor_of(account)
            by_sql = set(db.session.scalars(select(Case.number).where(visible_cases(actor))))
            by_policy = {c.number for c in cases if can_see_case(actor, case_facts(c))}
            assert by_sql == by_policy == EXPECTED[name], name
