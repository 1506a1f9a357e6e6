"""The transition table, checked against the closed loop as domain.md tells it."""

from __future__ import annotations

import itertools

import pytest

from inspector.access.roles import ROLES
from inspector.workflow.models import STATUSES
from inspector.workflow.states import (
    ACTIONS,
    REPORTER,
    TABLE,
    TERMINAL,
    TransitionError,
    allowed,
    check,
)

# The happy path of "问题交办—整改跟踪—验收销号", written as (status, action, role) -> status.
HAPPY_PATH = [
    ("verifying", "verify", "grid_worker", "new"),
    ("new", "file", "dispatcher", "filed"),
    ("filed", "dispatch", "dispatcher", "dispatched"),
    ("dispatched", "rectify", "unit_staff", "rectified"),
    ("rectified", "close", "dispatcher", "closed"),
    ("closed", "reopen", REPORTER, "dispatched"),
    ("dispatched", "return", "unit_staff", "returned"),
    ("returned", "dispatch", "dispatcher", "dispatched"),
]


@pytest.mark.parametrize(("status", "action", "role", "target"), HAPPY_PATH)
def test_happy_path_steps(status, action, role, target):
    assert check(action, status, {role}).target == target


def test_nothing_leaves_a_terminal_status_except_reopen_and_rating_of_closed():
    for status, action in itertools.product(TERMINAL, ACTIONS):
        allowed = status in TABLE[action].sources
        assert allowed == (status == "closed" and action in ("reopen", "rate")), (status, action)


def test_every_forbidden_combination_raises_the_right_kind():
    everyone = (*ROLES, REPORTER)
    for action, status, role in itertools.product(ACTIONS, STATUSES, everyone):
        transition = TABLE[action]
        try:
            check(action, status, {role})
        except TransitionError as exc:
            expected = "forbidden" if role not in transition.roles else "invalid_transition"
            assert exc.kind == expected, (action, status, role)
        else:
            assert role in transition.roles and status in transition.sources


def test_only_the_unit_rectifies_and_only_dispatchers_dispatch():
    assert {r for r in ROLES if _may("rectify", "dispatched", r)} == {"unit_staff"}
    assert {r for r in ROLES if _may("dispatch", "filed", r)} == {"dispatcher", "admin"}
    assert {r for r in ROLES if _may("check", "rectified", r)} == {"grid_worker", "supervisor"}
    assert not any(_may("rate", "closed", r) for r in ROLES)  # only the reporter rates


def _may(action: str, status: str, role: str) -> bool:
    try:
        check(action, status, {role})
    except TransitionError:
        return False
    return True


def test_unknown_action():
    with pytest.raises(TransitionError) as err:
        check("teleport", "new", {"admin"})
    assert err.value.kind == "unknown_action"


def test_allowed_lists_what_the_buttons_may_offer():
    # Worked out from the table by hand: one console button per action.
    assert allowed("filed", {"dispatcher"}) == ["reject", "dispatch", "merge", "void"]
    assert allowed("dispatched", {"unit_staff"}) == ["return", "request-extension", "rectify"]
    # A pending extension: the unit cannot ask twice; the dispatcher may decide it.
    assert allowed("dispatched", {"unit_staff"}, extension_pending=True) == ["return", "rectify"]
    assert allowed("dispatched", {"dispatcher"}) == ["merge", "void"]
    assert allowed("dispatched", {"dispatcher"}, extension_pending=True) == [
        "approve-extension",
        "deny-extension",
        "merge",
        "void",
    ]
    assert allowed("closed", {"resident", REPORTER}) == ["reopen", "rate"]
    assert allowed("closed", {"resident"}) == []
    assert allowed("rectified", {"grid_worker"}) == ["check"]
