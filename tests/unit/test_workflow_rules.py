"""Who may do what from which status, written out by hand from the closed loop (domain.md, README).

This file is the test's own truth: it never reads workflow/states.TABLE to decide what is right.
Each line: action, the statuses it starts from, the roles that may try it, the status it leads to
(None: the status stays; "closed|dispatched" for a check, which passes or sends back to rework).
"""

from __future__ import annotations

import itertools

from inspector.access.roles import ROLES
from inspector.workflow.models import STATUSES
from inspector.workflow.states import TABLE, TransitionError, check

R = "reporter"  # the account or tracking token that sent a report of the case
OPEN = ("new", "verifying", "filed", "dispatched", "returned", "rectified")

RULES = [
    # 核实: the grid worker confirms a resident's tip on site; it then waits to be filed.
    ("verify", ("verifying",), ("grid_worker",), "new"),
    # 立案 / 不予立案: the dispatcher (指挥中心) or an admin.
    ("file", ("new", "verifying"), ("dispatcher", "admin"), "filed"),
    ("reject", ("new", "verifying", "filed", "returned"), ("dispatcher", "admin"), "rejected"),
    # 派遣, also again after the unit returned a wrongly routed case.
    ("dispatch", ("filed", "returned"), ("dispatcher", "admin"), "dispatched"),
    # 处置: only the responsible unit, only while the case is with it.
    ("return", ("dispatched",), ("unit_staff",), "returned"),
    ("request-extension", ("dispatched",), ("unit_staff",), None),
    ("approve-extension", ("dispatched",), ("dispatcher", "admin"), None),
    ("deny-extension", ("dispatched",), ("dispatcher", "admin"), None),
    ("rectify", ("dispatched",), ("unit_staff",), "rectified"),
    # 核查: a grid worker on site, or the supervision group; fail -> 返工.
    ("check", ("rectified",), ("grid_worker", "supervisor"), None),
    # 结案 after a passed check or by the dispatcher.
    ("close", ("rectified",), ("dispatcher", "admin"), "closed"),
    # 回访: an unsatisfied reporter (or staff) may reopen a closed case; the reporter rates.
    ("reopen", ("closed",), (R, "dispatcher", "supervisor", "admin"), "dispatched"),
    ("rate", ("closed",), (R,), None),
    # Housekeeping of open cases: merge duplicates, void mistakes (dispatcher/admin only).
    ("merge", OPEN, ("dispatcher", "admin"), "merged"),
    ("void", OPEN, ("dispatcher", "admin"), "void"),
    # 督办: the supervision group escalates a filed case that is not finished.
    ("escalate", ("filed", "dispatched", "returned", "rectified"), ("supervisor", "admin"), None),
]

ALLOWED = {
    (action, status, role)
    for action, statuses, roles, _target in RULES
    for status in statuses
    for role in roles
}
TARGETS = {action: target for action, _statuses, _roles, target in RULES}


def _allowed_by_code() -> set[tuple[str, str, str]]:
    found = set()
    for action, status, role in itertools.product(TABLE, STATUSES, (*ROLES, R)):
        try:
            check(action, status, {role})
        except TransitionError:
            continue
        found.add((action, status, role))
    return found


def test_exactly_the_domain_rules_are_allowed():
    code = _allowed_by_code()
    assert code - ALLOWED == set(), "allowed by the code, not by the domain"
    assert ALLOWED - code == set(), "allowed by the domain, refused by the code"


def test_every_action_leads_where_the_domain_says():
    assert set(TABLE) == set(TARGETS)
    for action, target in TARGETS.items():
        assert TABLE[action].target == target, action


def test_pinned_refusals():
    """Two mistakes a table edit could make; each must be refused."""
    assert ("void", "new", R) not in _allowed_by_code()  # a reporter cannot void his case
    assert ("return", "rectified", "unit_staff") not in _allowed_by_code()  # too late to return
