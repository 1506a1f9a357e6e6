"""queries.visible_cases (SQL) agrees with policy.can_see_case (Python) for every actor and case."""

from __future__ import annotations

from sqlalchemy import select

from inspector.access.facts import case_facts
from inspector.access.models import Account
from inspector.access.policy import can_see_case
from inspector.access.service import actor_of
from inspector.extensions import db
from inspector.workflow.models import Case
from inspector.workflow.queries import visible_cases

from ..access_matrix import ACTORS, ANONYMOUS, EAST_GRID, WEST_GRID, World, plant_accounts
from ..factories import make_case, make_report

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
    return make_case(number=number, grid_code=grid_code, unit_code=unit_code, lat=30.64, lon=113.13)


def test_sql_scope_and_policy_agree(demo_app):
    with demo_app.app_context():
        plant_accounts(World(demo_app))
        w1 = _case("W1", WEST_GRID, "zfj")
        _case("W2", WEST_GRID, "jjdd")
        _case("E1", EAST_GRID, "zfj")
        make_report(w1, "resident")
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
