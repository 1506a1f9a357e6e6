"""Cases, reports and timelines as JSON, with fields shown or hidden by the policy."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from ..access.actor import Actor
from ..access.facts import case_facts
from ..access.policy import can_see_original, can_see_phone, is_public
from ..access.privacy import public_position
from ..access.roles import PUBLIC_ROLES, ROLE_NAMES_ZH
from ..errors import invalid
from ..grid.coords import SYSTEMS, from_wgs84
from ..photos.service import photo_json
from ..reports.models import SOURCES, Report
from ..reports.service import is_reporter
from ..sla.service import is_overdue
from ..timeutil import iso_local
from .models import Case, CaseEvent
from .states import ACTION_ZH, STATUS_ZH, allowed

_public = is_public


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


def _photos(photos, original: bool, public: bool) -> list[dict]:  # noqa: ANN001
    return [photo_json(p, original_allowed=original, public=public) for p in photos]


def event_json(
    event: CaseEvent, actor: Actor, original: bool, own_reports: frozenset[int] = frozenset()
) -> dict[str, Any]:
    """One timeline step. A public caller sees his own report's step, the staff's steps and
    their photos, but not another reporter's description or photos (after a merge the case
    holds several reporters' steps)."""
    public = _public(actor)
    photos = list(event.photos)
    note = event.note
    if public:
        others = [p for p in photos if p.report_id is not None and p.report_id not in own_reports]
        photos = [p for p in photos if p not in others]
        if event.action == "report" and (others or not photos):
            note = None
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
        "note": note,
        "data": data,
        "photos": _photos(photos, original, public),
    }


def report_json(
    report: Report, actor: Actor, with_case: bool = True, token: str | None = None
) -> dict[str, Any]:
    """The caller may see the report (policy.can_see_report); `token`: an anonymous
    reporter's tracking token, which makes the report his own."""
    case = report.case
    facts = case_facts(case) if case else None
    original = can_see_original(actor, facts)
    public = _public(actor)
    lat, lon = _position(actor, report.lat, report.lon) if report.lat is not None else (None, None)
    body: dict[str, Any] = {
        "id": report.id,
        # The phone's retry key: only its sender needs it (a retry is checked, see replay()).
        "client_id": report.client_id if is_reporter(report, actor, token) else None,
        "status": case.status if case else "new",
        "status_name": STATUS_ZH[case.status] if case else STATUS_ZH["new"],
        "source": report.source,
        "source_name": SOURCES.get(report.source),
        "lat": lat,
        "lon": lon,
        "accuracy_m": report.accuracy_m,
        "category_code": report.category.code if report.category else None,
        "description": report.description,
        "grid": {"code": report.grid.code, "name": report.grid.name} if report.grid else None,
        "created_at": iso_local(report.created_at),
        "photos": _photos(report.photos, original, public),
        "warnings": report.warnings or [],
        "rating": report.rating,
    }
    if can_see_phone(actor, facts):
        body["phone"] = report.phone
    if with_case and case is not None:
        body["case"] = {"id": case.id, "number": case.number, "status": case.status}
        if case.status in ("rectified", "closed"):
            after = [e for e in case.events if e.action == "rectify"]
            body["after_photos"] = _photos(after[-1].photos, original, public) if after else []
    else:
        body["case"] = None
    return body


def own_report_ids(case: Case, actor: Actor, token: str | None) -> frozenset[int]:
    return frozenset(r.id for r in case.reports if is_reporter(r, actor, token))


def actions_json(case: Case, actor: Actor, token: str | None = None) -> list[dict[str, str]]:
    """What this caller may do now, named as the buttons are (ACTION_ZH)."""
    from .service import roles_for  # service imports present's neighbours; keep the cycle out

    names = allowed(
        case.status, roles_for(actor, case, token), extension_pending=bool(case.extension_request)
    )
    return [{"action": a, "name": ACTION_ZH[a]} for a in names]


def case_json(
    case: Case, actor: Actor, full: bool = True, token: str | None = None
) -> dict[str, Any]:
    """A case as the caller may see it. Public callers (`token`: an anonymous reporter's) get
    rounded positions and only their own reports: their own description, not the first
    reporter's, when a merge brought them into someone else's case."""
    lat, lon = _position(actor, case.lat, case.lon)
    public = _public(actor)
    own = own_report_ids(case, actor, token) if public else frozenset()
    description = case.description
    if public:
        mine = [r for r in case.reports if r.id in own]
        description = mine[0].description if mine else None
    body: dict[str, Any] = {
        "id": case.id,
        "number": case.number,
        "status": case.status,
        "status_name": STATUS_ZH[case.status],
        "source": case.source,
        "source_name": SOURCES.get(case.source),
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
        "description": description,
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
        "batch_id": case.batch_id,
        # The optimistic lock: an action may send it back as `version` (stale -> 409).
        "version": case.version,
    }
    if full:
        original = can_see_original(actor, case_facts(case))
        reports = [r for r in case.reports if not public or r.id in own]
        body["reports"] = [report_json(r, actor, with_case=False, token=token) for r in reports]
        body["timeline"] = [event_json(e, actor, original, own) for e in case.events]
        body["actions"] = actions_json(case, actor, token)
    return body
