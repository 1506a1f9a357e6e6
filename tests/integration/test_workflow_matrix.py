"""Every action x every status x every role over HTTP: 404 hidden, 403 role, 409 status, else done.

Cases are put in each status directly (as the loop would have left them); a case that an allowed
action moved is replaced by a fresh one, so every call meets the status it is meant to test.
"""

from __future__ import annotations

from datetime import timedelta

from inspector.extensions import db
from inspector.timeutil import utcnow
from inspector.workflow.models import STATUSES
from inspector.workflow.numbers import next_case_number
from inspector.workflow.states import ACTIONS, REPORTER, TABLE

from ..factories import make_case
from ..helpers import auth
from .flows import GRID, photo, spot

USERS = ("admin", "dispatcher", "supervisor", "gridworker", "unitstaff", "volunteer", "resident")
ROLE_OF = {"gridworker": "grid_worker", "unitstaff": "unit_staff"}
WITH_UNIT = ("dispatched", "returned", "rectified", "closed")


def _make_case(status: str) -> int:
    now = utcnow()
    lat, lon = spot()
    case = make_case(
        number=next_case_number(now),
        status=status,
        category_code="0101",
        unit_code="zfj" if status in WITH_UNIT else None,
        grid_code=GRID,
        lat=lat,
        lon=lon,
        reporter="resident",
        dispatched_at=now - timedelta(hours=1) if status in WITH_UNIT else None,
        due_at=now + timedelta(hours=3) if status in WITH_UNIT else None,
        extension_request={"value": 1, "unit": "work_days", "note": "x"}
        if status == "dispatched"
        else None,
    )
    db.session.commit()
    return case.id


def _visible(user: str, status: str) -> bool:
    if user == "volunteer":
        return False
    if user == "unitstaff":
        return status in WITH_UNIT
    return True


def _expected(user: str, status: str, action: str) -> set[int]:
    if not _visible(user, status):
        return {404}
    transition = TABLE[action]
    roles = {ROLE_OF.get(user, user)} | ({REPORTER} if user == "resident" else set())
    if not roles & set(transition.roles):
        return {403}
    if status not in transition.sources:
        return {409}
    if action == "request-extension":
        return {409}  # the dispatched case already carries a pending request (extension_pending)
    return {200}


def _body(action: str, into: int) -> dict:
    lat, lon = spot()
    return {
        "note": "测试",
        "lat": str(lat),
        "lon": str(lon),
        "passed": "true",
        "value": "1",
        "unit": "work_days",
        "score": "4",
        "into": str(into),
        "photo": photo(lat, lon),
    }


def test_every_action_status_and_role(demo_app):
    client = demo_app.test_client()
    headers = {user: auth(client, user) for user in USERS}
    with demo_app.app_context():
        target = _make_case("filed")  # an open case to merge into
        current = {status: _make_case(status) for status in STATUSES}
    failures = []
    for status in STATUSES:
        for action in ACTIONS:
            for user in USERS:
                case_id = current[status]
                response = client.post(
                    f"/api/v1/cases/{case_id}/{action}",
                    data=_body(action, target),
                    headers=headers[user],
                    content_type="multipart/form-data",
                )
                expected = _expected(user, status, action)
                if response.status_code not in expected:
                    failures.append(
                        (status, action, user, response.status_code, response.get_json())
                    )
                if response.status_code == 200:
                    with demo_app.app_context():
                        current[status] = _make_case(status)
                        if action == "merge":
                            target = _make_case("filed")
    assert not failures, failures[:10]
