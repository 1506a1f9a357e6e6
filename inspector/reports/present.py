"""Reports as JSON, with fields shown or hidden by the policy (cases: workflow/present.py)."""

from __future__ import annotations

from typing import Any

from ..access.actor import Actor
from ..access.facts import case_facts, is_reporter
from ..access.policy import can_see_original, can_see_phone, is_public
from ..grid.service import grid_label_of
from ..timeutil import iso_local
from ..workflow.models import SOURCES
from ..workflow.present import shown_photos, shown_position
from ..workflow.states import STATUS_ZH
from .models import Report


def report_json(
    report: Report,
    actor: Actor,
    coord_sys: str,
    with_case: bool = True,
    token: str | None = None,
) -> dict[str, Any]:
    """The caller may see the report (policy.can_see_report); `token`: an anonymous
    reporter's tracking token, which makes the report his own."""
    case = report.case
    facts = case_facts(case) if case else None
    original = can_see_original(actor, facts)
    public = is_public(actor)
    lat, lon = (
        shown_position(actor, report.lat, report.lon, coord_sys)
        if report.lat is not None
        else (None, None)
    )
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
        "grid": grid_label_of(report),
        "created_at": iso_local(report.created_at),
        "photos": shown_photos(report.photos, original, public),
        "warnings": _warnings(report, public),
        "rating": report.rating,
    }
    if can_see_phone(actor, facts):
        body["phone"] = report.phone
        if report.source == "open311":  # the sender's other contact data, same audience
            body["contact"] = _open311_contact(report)
    if with_case and case is not None:
        body["case"] = {"id": case.id, "number": case.number, "status": case.status}
        if case.status in ("rectified", "closed"):
            after = [e for e in case.events if e.action == "rectify"]
            body["after_photos"] = shown_photos(after[-1].photos, original, public) if after else []
    else:
        body["case"] = None
    return body


def _open311_contact(report: Report) -> dict[str, str | None]:
    """Email and names an Open311 sender gave: private like a resident's phone, so shown to
    exactly the staff who see the phone (policy.can_see_phone: admins, dispatchers and grid
    workers who may see the case, to call or write back), never to anyone else."""
    sent = report.open311_request
    return {
        "email": sent.email if sent else None,
        "first_name": sent.first_name if sent else None,
        "last_name": sent.last_name if sent else None,
    }


# Flags for the dispatcher about other cases (reports/jobs.py): not shown to the public.
STAFF_ONLY_WARNINGS = frozenset({"photo_reused"})


def _warnings(report: Report, public: bool) -> list[dict[str, Any]]:
    warnings = report.warnings or []
    return [w for w in warnings if w.get("code") not in STAFF_ONLY_WARNINGS] if public else warnings
