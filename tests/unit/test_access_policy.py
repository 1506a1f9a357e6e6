"""The pure policy: who sees which case, phone numbers and originals."""

from __future__ import annotations

from inspector.access.actor import ANONYMOUS, Actor
from inspector.access.policy import (
    CaseFacts,
    can_see_account_phone,
    can_see_case,
    can_see_original,
    can_see_phone,
)

GRID_W, COMM_W, SUB_W, DIST_W = 11, 12, 13, 14  # west: a grid and its ancestors
GRID_E, COMM_E, SUB_E, DIST_E = 21, 22, 23, 24
ZFJ, JJDD = 1, 2
WEST = CaseFacts(
    unit_id=ZFJ, zone_ids=frozenset({GRID_W, COMM_W, SUB_W, DIST_W}), reporter_ids=frozenset({100})
)
EAST = CaseFacts(unit_id=JJDD, zone_ids=frozenset({GRID_E, COMM_E, SUB_E, DIST_E}))

ACTORS = {
    "admin": Actor(1, "admin"),
    "dispatcher": Actor(2, "dispatcher"),
    "dispatcher_east": Actor(3, "dispatcher", zone_ids=frozenset({DIST_E})),
    "supervisor_west": Actor(4, "supervisor", zone_ids=frozenset({DIST_W})),
    "unitstaff": Actor(5, "unit_staff", unit_id=ZFJ),
    "unitstaff_nounit": Actor(6, "unit_staff"),
    "gridworker": Actor(7, "grid_worker", zone_ids=frozenset({GRID_W})),
    "gridworker_community_e": Actor(8, "grid_worker", zone_ids=frozenset({COMM_E})),
    "gridworker_none": Actor(9, "grid_worker"),
    "reporter": Actor(100, "resident"),
    "resident": Actor(101, "resident"),
    "volunteer": Actor(102, "volunteer"),
    "anonymous": ANONYMOUS,
}

SEES = {  # actor -> (sees WEST, sees EAST)
    "admin": (True, True),
    "dispatcher": (True, True),
    "dispatcher_east": (False, True),
    "supervisor_west": (True, False),
    "unitstaff": (True, False),
    "unitstaff_nounit": (False, False),
    "gridworker": (True, False),
    "gridworker_community_e": (False, True),
    "gridworker_none": (False, False),
    "reporter": (True, False),
    "resident": (False, False),
    "volunteer": (False, False),
    "anonymous": (False, False),
}


def test_case_visibility_table():
    got = {name: (can_see_case(a, WEST), can_see_case(a, EAST)) for name, a in ACTORS.items()}
    assert got == SEES


def test_phone_only_for_phone_roles_who_see_the_case():
    allowed = {n for n, a in ACTORS.items() if can_see_phone(a, WEST)}
    assert allowed == {"admin", "dispatcher", "gridworker"}
    assert not can_see_phone(ACTORS["dispatcher_east"], WEST)
    assert not can_see_phone(ACTORS["unitstaff"], WEST)  # rectifies; never calls the reporter
    assert not can_see_phone(ACTORS["reporter"], WEST)  # even the reporter's own: staff data


def test_originals_for_staff_who_see_the_case_only():
    allowed = {n for n, a in ACTORS.items() if can_see_original(a, WEST)}
    assert allowed == {"admin", "dispatcher", "supervisor_west", "unitstaff", "gridworker"}
    assert not can_see_original(ACTORS["admin"], None)


def test_account_phone_for_admin_and_self():
    assert can_see_account_phone(ACTORS["admin"], 101)
    assert can_see_account_phone(ACTORS["resident"], 101)
    assert not can_see_account_phone(ACTORS["dispatcher"], 101)
    assert not can_see_account_phone(ANONYMOUS, 101)
