"""Cases and timelines as JSON, with fields shown or hidden by the policy (reports: reports/present.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from ..access.actor import Actor
from ..access.facts import case_facts, is_reporter
from ..access.models import Account
from ..access.policy import can_see_original, is_public
from ..access.privacy import public_position
from ..access.roles import PUBLIC_ROLES, ROLE_NAMES_ZH
from ..extensions import db
from ..grid.coords import from_wgs84
from ..grid.service import grid_label_of
from ..photos.models import Photo
from ..photos.service import photo_json
from ..timeutil import iso_local
from .models import SOURCES, Case, CaseEvent
from .states import ACTION_ZH, STATUS_ZH, allowed

_public = is_public

# Field views per audience (as CTFd's schemas declare `views`): the one place that says which
# fields of a case answer and of a timeline event's data a public caller (resident, volunteer,
# anonymous reporter: policy.is_public) gets. "staff" sees every field (None). Values the public
# does get are still shaped for them below (rounded position, own description, own reports).
PUBLIC_CASE_FIELDS = frozenset({
    "id", "number", "status", "status_name", "source", "source_name",
    "category_code", "category_name", "unit_code", "unit_name", "grid_code", "grid_name",
    "point_code", "address", "lat", "lon", "description",
    "created_at", "filed_at", "dispatched_at", "due_at", "due_provisional", "rectified_at",
    "closed_at", "overdue", "rework_count", "return_count", "escalation_level",
    "duplicate_of", "recurrence_of", "merged_into", "version",
})  # fmt: skip
# Not extension_request: a unit's request and its note are between the unit and the dispatcher.
PUBLIC_EVENT_DATA = frozenset({"level_name", "passed", "score", "unit_name"})
CASE_VIEWS: dict[str, frozenset[str] | None] = {"staff": None, "public": PUBLIC_CASE_FIELDS}
EVENT_DATA_VIEWS: dict[str, frozenset[str] | None] = {"staff": None, "public": PUBLIC_EVENT_DATA}


def audience(actor: Actor) -> str:
    """The field view that applies to this caller: "public" or "staff"."""
    return "public" if _public(actor) else "staff"


def in_view(body: dict[str, Any], views: dict[str, frozenset[str] | None], actor: Actor) -> dict:
    """The fields of `body` that the caller's audience sees."""
    keep = views[audience(actor)]
    return dict(body) if keep is None else {k: v for k, v in body.items() if k in keep}


def shown_position(actor: Actor, lat: float, lon: float, coord_sys: str) -> tuple[float, float]:
    """Residents see positions snapped to a ~50 m cell; staff see them exactly. `coord_sys`:
    the answer's map system, as the view parsed it from the query (api.md: WGS-84 by default)."""
    lat, lon = public_position(lat, lon) if _public(actor) else (lat, lon)
    return from_wgs84(lat, lon, coord_sys)


def shown_photos(photos, original: bool, public: bool) -> list[dict]:  # noqa: ANN001
    return [photo_json(p, original_allowed=original, public=public) for p in photos]


def event_json(
    event: CaseEvent,
    actor: Actor,
    original: bool,
    own_reports: frozenset[int] = frozenset(),
    names: Mapping[int, str] | None = None,
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
    if not public and event.actor_id is not None and event.actor_role not in PUBLIC_ROLES:
        name = (names or {}).get(event.actor_id)
        if name is None and event.actor is not None:
            name = event.actor.display_name or event.actor.username
        if name is not None:
            who["name"] = name
    data = in_view(event.data or {}, EVENT_DATA_VIEWS, actor)
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
        "photos": shown_photos(photos, original, public),
    }


def actor_names(events: Iterable[CaseEvent]) -> dict[int, str]:
    """The names a timeline shows for who acted, by account id, in one read: `event.actor` loaded
    each account by itself, and with it the account's zones and their polygons (Account.zones
    is a selectin relationship), which made up most of an action's answer."""
    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Account.id, Account.display_name, Account.username).where(Account.id.in_(ids))
    )
    return {r.id: r.display_name or r.username for r in rows}


def load_event_photos(events: Iterable[CaseEvent]) -> None:
    """Every step's photos in one read: `event.photos` loaded them step by step, a statement per
    step of the timeline in every case answer (GET, and each action's). Steps whose photos are
    loaded already (written in this request) are left as they are."""
    waiting = {e.id: e for e in events if e.id is not None and "photos" in inspect(e).unloaded}
    if not waiting:
        return
    by_event: dict[int, list[Photo]] = {i: [] for i in waiting}
    rows = db.session.scalars(
        select(Photo)
        .where(Photo.event_id.in_(list(waiting)))
        .order_by(Photo.event_id, Photo.position, Photo.id)
    )
    for photo in rows:
        by_event[photo.event_id].append(photo)
    for event_id, photos in by_event.items():
        set_committed_value(waiting[event_id], "photos", photos)


def own_report_ids(case: Case, actor: Actor, token: str | None) -> frozenset[int]:
    return frozenset(r.id for r in case.reports if is_reporter(r, actor, token))


def shown_reports(case: Case, actor: Actor, token: str | None = None) -> list:
    """The case's reports this caller sees in it: all for staff, his own for a public caller.
    (Their shape is reports/present.py's: the full answer is put together by the view.)"""
    if not _public(actor):
        return list(case.reports)
    own = own_report_ids(case, actor, token)
    return [r for r in case.reports if r.id in own]


def actions_json(case: Case, actor: Actor, token: str | None = None) -> list[dict[str, str]]:
    """What this caller may do now, named as the buttons are (ACTION_ZH)."""
    from .service import roles_for  # service imports present's neighbours; keep the cycle out

    names = allowed(
        case.status, roles_for(actor, case, token), extension_pending=bool(case.extension_request)
    )
    return [{"action": a, "name": ACTION_ZH[a]} for a in names]


def case_json(
    case: Case, actor: Actor, coord_sys: str, full: bool = True, token: str | None = None
) -> dict[str, Any]:
    """A case as the caller may see it. Public callers (`token`: an anonymous reporter's) get
    rounded positions and only their own reports: their own description, not the first
    reporter's, when a merge brought them into someone else's case."""
    lat, lon = shown_position(actor, case.lat, case.lon, coord_sys)
    public = _public(actor)
    own = own_report_ids(case, actor, token) if public else frozenset()
    description = case.description
    grid = grid_label_of(case)  # from the grid index: case.grid loads the zone's polygon
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
        "ticket_no": case.ticket_no,  # 12345 工单编号 of an imported hotline ticket
        "category_code": case.category.code if case.category else None,
        "category_name": case.category.name if case.category else None,
        "unit_code": case.unit.code if case.unit else None,
        "unit_name": case.unit.name if case.unit else None,
        "grid_code": grid["code"] if grid else None,
        "grid_name": grid["name"] if grid else None,
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
        "overdue": case.is_overdue(),
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
    # api.md: photo_reused (added after intake by a job) shows here; staff only (not in the
    # public field view, like the reports' own staff-only warnings).
    body["warnings"] = [w for r in case.reports for w in (r.warnings or [])]
    body = in_view(body, CASE_VIEWS, actor)
    if full:
        original = can_see_original(actor, case_facts(case))
        names = {} if public else actor_names(case.events)
        load_event_photos(case.events)
        body["timeline"] = [event_json(e, actor, original, own, names) for e in case.events]
        body["actions"] = actions_json(case, actor, token)
    return body
