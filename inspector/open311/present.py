"""Cases and categories in the shapes of GeoReport v2 (dicts; formats.py writes JSON or XML).

Public answers: positions snapped to the ~50 m public cell, the address made from zone names
(a geocoded street address could point at a doorstep), no reporter, phone, email or name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import request
from sqlalchemy import func, select

from ..access.privacy import public_position
from ..categories.models import FAMILIES, TIME_UNITS, Category
from ..extensions import db
from ..grid.address import composed_address
from ..grid.service import location_of_grid
from ..photos.service import signed_url
from ..timeutil import iso_local
from ..workflow.models import Case, CaseEvent
from ..workflow.states import OPEN, STATUS_ZH
from .models import Open311Request

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28T00:00:00+08:00"  # when this server's API last changed
FORMATS = ["text/xml", "application/json"]
# Timeline notes written for the public record of a case (not the reporter's own text, not
# internal routing or supervision notes).
PUBLIC_NOTE_ACTIONS = (
    "verify",
    "file",
    "reject",
    "dispatch",
    "rectify",
    "check",
    "close",
    "reopen",
)


def base_url() -> str:
    return request.host_url.rstrip("/")


def discovery() -> dict[str, Any]:
    from flask import current_app

    return {
        "changeset": CHANGESET,
        "contact": current_app.config["OPEN311_CONTACT"],
        "key_service": current_app.config["OPEN311_KEY_SERVICE"],
        "max_requests": 1000,
        "endpoints": [
            {
                "specification": SPEC_URL,
                "url": f"{base_url()}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": FORMATS,
            }
        ],
    }


def service(cat: Category) -> dict[str, Any]:
    limit = f"处置时限 {cat.time_limit_value}{TIME_UNITS[cat.time_limit_unit]}"
    return {
        "service_code": cat.code,
        "service_name": cat.name,
        "description": "; ".join(t for t in (cat.filing_condition, limit) if t),
        "metadata": False,  # no category asks questions (no attributes)
        "type": "realtime",
        "keywords": ", ".join(t for t in (cat.name_en, FAMILIES[cat.family]) if t),
        "group": FAMILIES[cat.family],
    }


def service_definition(cat: Category) -> dict[str, Any]:
    return {"service_code": cat.code, "attributes": []}


def _latest_events(case_ids: Sequence[int]) -> tuple[dict[int, Any], dict[int, str]]:
    """Per case: the time of its last event, and its latest public note (two queries in all)."""
    if not case_ids:
        return {}, {}
    updated = dict(
        db.session.execute(
            select(CaseEvent.case_id, func.max(CaseEvent.at))
            .where(CaseEvent.case_id.in_(case_ids))
            .group_by(CaseEvent.case_id)
        ).all()
    )
    notes: dict[int, str] = {}
    rows = db.session.execute(
        select(CaseEvent.case_id, CaseEvent.note)
        .where(
            CaseEvent.case_id.in_(case_ids),
            CaseEvent.action.in_(PUBLIC_NOTE_ACTIONS),
            CaseEvent.note.is_not(None),
            CaseEvent.note != "",
        )
        .order_by(CaseEvent.case_id, CaseEvent.seq)
    )
    for case_id, note in rows:
        notes[case_id] = note  # ordered by seq: the last one wins
    return updated, notes


def _sender_links(cases: Sequence[Case]) -> dict[int, str]:
    """media_url links that Open311 senders gave, by report id (never fetched by us)."""
    report_ids = [r.id for c in cases for r in c.reports]
    if not report_ids:
        return {}
    rows = db.session.execute(
        select(Open311Request.report_id, Open311Request.media_url).where(
            Open311Request.report_id.in_(report_ids), Open311Request.media_url.is_not(None)
        )
    )
    return dict(rows.all())


def _media_url(case: Case, links: dict[int, str]) -> str | None:
    for report in case.reports:
        if report.photos:
            return base_url() + signed_url(report.photos[0], "display")
    for report in case.reports:
        if report.id in links:
            return links[report.id]
    return None


def service_requests(cases: Sequence[Case], extensions: bool) -> list[dict[str, Any]]:
    updated, notes = _latest_events([c.id for c in cases])
    links = _sender_links(cases)
    return [_request(c, updated, notes, links, extensions) for c in cases]


def _request(case: Case, updated, notes, links, extensions: bool) -> dict[str, Any]:  # noqa: ANN001
    lat, lon = public_position(case.lat, case.lon)
    address = composed_address(location_of_grid(case.grid_id).chain) if case.grid_id else None
    body: dict[str, Any] = {
        "service_request_id": case.number,
        "status": "open" if case.status in OPEN else "closed",
        "status_notes": notes.get(case.id) or STATUS_ZH[case.status],
        "service_name": case.category.name if case.category else None,
        "service_code": case.category.code if case.category else None,
        "description": case.description,
        "agency_responsible": case.unit.name if case.unit else None,
        "service_notice": None,
        "requested_datetime": iso_local(case.created_at),
        "updated_datetime": iso_local(updated.get(case.id) or case.created_at),
        "expected_datetime": iso_local(case.due_at),
        "address": address,
        "address_id": None,
        "zipcode": None,
        "lat": lat,
        "long": lon,
        "media_url": _media_url(case, links),
    }
    if extensions:
        body["extended_attributes"] = {
            "detailed_status": case.status,
            "detailed_status_name": STATUS_ZH[case.status],
            "source": case.source,
            "grid_code": case.grid.code if case.grid else None,
            "unit_code": case.unit.code if case.unit else None,
            "unit_name": case.unit.name if case.unit else None,
            "due_datetime": iso_local(case.due_at),
            "overdue": case.is_overdue(),
        }
    return body


def post_answer(case: Case, token: str | None) -> list[dict[str, Any]]:
    return [
        {
            "service_request_id": case.number,
            "service_notice": f"已受理,案件编号 {case.number} / received as case {case.number}",
            "account_id": None,
            "token": token,
        }
    ]


def token_answer(case: Case, token: str) -> list[dict[str, Any]]:
    return [{"service_request_id": case.number, "token": token}]
