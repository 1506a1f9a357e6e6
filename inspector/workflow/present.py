"""Cases, reports and timelines as JSON, with fields shown or hidden by the policy."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from ..access.actor import Actor
from ..access.policy import can_see_original, can_see_phone
from ..access.privacy import public_position
from ..access.roles import PUBLIC_ROLES, ROLE_NAMES_ZH
from ..errors import invalid
from ..grid.coords import SYSTEMS, from_wgs84
from ..photos.service import photo_json
from ..reports.models import Report
from ..sla.service import is_overdue
from ..timeutil import iso_local
from .facts import case_facts
from .models import Case, CaseEvent
from .states import ACTION_ZH, STATUS_ZH


def _public(actor: Actor) -> bool:
    return actor.anonymous or actor.role in PUBLIC_ROLES


def output_coord_sys() -> str:
    """Answers are WGS-84 unless the query asks `coord_sys=gcj02|bd09` (api.md, for web maps)."""
    system = request.args.get("coord_sys", "wgs84") if has_request_context() else "wgs84"
    if system not in SYSTEMS:
        raise invalid("coord_sys 须为 wgs84、gcj02 或 bd09 / unknown coord_sys", field="coord_sys")
    return system


def _position(actor: Actor, lat: float, lon: float) -> tuple[float, float]:
    """Residents see positions snapped to a ~50 m cell; staff see them exactly."""
    lat, lon = public_position(lat, lon) if _public(actor) else (lat, lon)
    return from_wgs84(lat, lon, output_coord_sys())


def _photos(photos, original: bool) -> list[dict]:  # noqa: ANN001
    return [photo_json(p, original_allowed=original) for p in photos]


def event_json(event: CaseEvent, actor: Actor, original: bool) -> dict[str, Any]:
    who: dict[str, Any] = {
        "role": event.actor_role,
        "role_name": ROLE_NAMES_ZH.get(event.actor_role or "", "系统"),
    }
    if not _public(actor) and event.actor is not None and event.actor_role not in PUBLIC_ROLES:
        who["name"] = event.actor.display_name or event.actor.username
    data = dict(event.data or {})
    if _public(actor):
        data = {
            k: v for k, v in data.items() if k in ("level_name", "passed", "score", "unit_name")
        }
    return {
        "seq": event.seq,
        "at": iso_local(event.at),
        "actor": who,
        "action": event.action,
        "action_name": ACTION_ZH.get(event.action, event.action),
        "from": event.from_status,
        "to": event.to_status,
        "note": event.note,
        "data": data,
        "photos": _photos(event.photos, original),
    }


def report_json(report: Report, actor: Actor, with_case: bool = True) -> dict[str, Any]:
    case = report.case
    facts = case_facts(case) if case else None
    original = can_see_original(actor, facts)
    lat, lon = _position(actor, report.lat, report.lon) if report.lat is not None else (None, None)
    body: dict[str, Any] = {
        "id": report.id,
        "client_id": report.client_id
        if not _public(actor) or report.reporter_id == actor.account_id
        else None,
        "status": case.status if case else "new",
        "status_name": STATUS_ZH[case.status] if case else STATUS_ZH["new"],
        "source": report.source,
        "lat": lat,
        "lon": lon,
        "accuracy_m": report.accuracy_m,
        "category_code": report.category.code if report.category else None,
        "description": report.description,
        "grid": {"code": report.grid.code, "name": report.grid.name} if report.grid else None,
        "created_at": iso_local(report.created_at),
        "photos": _photos(report.photos, original),
        "warnings": report.warnings or [],
        "rating": report.rating,
    }
    if can_see_phone(actor, facts):
        body["phone"] = report.phone
    if with_case and case is not None:
        body["case"] = {"id": case.id, "number": case.number, "status": case.status}
        if case.status in ("rectified", "closed"):
            after = [e for e in case.events if e.action == "rectify"]
            body["after_photos"] = _photos(after[-1].photos, original) if after else []
    else:
        body["case"] = None
    return body


def case_json(case: Case, actor: Actor, full: bool = True) -> dict[str, Any]:
    lat, lon = _position(actor, case.lat, case.lon)
    body: dict[str, Any] = {
        "id": case.id,
        "number": case.number,
        "status": case.status,
        "status_name": STATUS_ZH[case.status],
        "source": case.source,
        "category_code": case.category.code if case.category else None,
        "category_name": case.category.name if case.category else None,
        "unit_code": case.unit.code if case.unit else None,
        "unit_name": case.unit.name if case.unit else None,
        "grid_code": case.grid.code if case.grid else None,
        "grid_name": case.grid.name if case.grid else None,
        "point_code": case.point.code if case.point else None,
        "address": case.address,
        "lat": lat,
        "lon": lon,
        "description": case.description,
        "created_at": iso_local(case.created_at),
        "filed_at": iso_local(case.filed_at),
        "dispatched_at": iso_local(case.dispatched_at),
        "due_at": iso_local(case.due_at),
        "due_provisional": bool(case.due_provisional),
        "rectified_at": iso_local(case.rectified_at),
        "closed_at": iso_local(case.closed_at),
        "overdue": is_overdue(case),
        "rework_count": case.rework_count,
        "return_count": case.return_count,
        "escalation_level": case.escalation_level,
        "extension_request": case.extension_request,
        "duplicate_of": case.duplicate_of_id,
        "recurrence_of": case.recurrence_of_id,
        "merged_into": case.merged_into_id,
    }
    if full:
        original = can_see_original(actor, case_facts(case))
        body["reports"] = [report_json(r, actor, with_case=False) for r in case.reports]
        body["timeline"] = [event_json(e, actor, original) for e in case.events]
    return body
