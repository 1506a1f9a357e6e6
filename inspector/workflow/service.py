"""Case actions: the transition table applied with place checks, deadlines and the timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from geopy.distance import geodesic
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.datastructures import FileStorage

from ..access.actor import ANONYMOUS, Actor
from ..access.facts import case_facts, is_reporter
from ..access.policy import can_see_case
from ..access.roles import GRID_WORKER
from ..categories.service import category_by_code
from ..errors import ApiError, changed_concurrently, invalid, not_found
from ..extensions import db
from ..grid.coords import to_wgs84
from ..grid.service import location_of_grid
from ..logs import note_case
from ..org.models import Unit
from ..org.service import unit_by_code
from ..photos.onsite import NotBefore, Site, check_on_site, site_photos
from ..photos.service import Upload, store_uploads
from ..routing.service import route
from .models import Case
from .signals import case_acted, request_escalation, start_due_period
from .states import ACTION_ZH, OPEN, REPORTER, TransitionError, check
from .timeline import append_event


@dataclass
class ActionInput:
    note: str | None = None
    category_code: str | None = None
    unit_code: str | None = None
    value: int | None = None
    unit: str | None = None
    passed: bool | None = None
    into: int | None = None
    score: int | None = None
    lat: float | None = None
    lon: float | None = None
    coord_sys: str = "wgs84"
    token: str | None = None
    version: int | None = None  # the case version the caller saw; stale -> 409
    files: list[FileStorage] = field(default_factory=list)
    # Filled by perform(): the cases named by CASE_ARGUMENTS, each already checked as visible.
    cases: dict[str, Case] = field(default_factory=dict)


# Per action, the arguments that name another case. perform() loads each through the same
# visibility check as the path case (hidden answers like missing) and claims its version too.
CASE_ARGUMENTS: dict[str, tuple[str, ...]] = {"merge": ("into",)}


def load_case(case_id: int, actor: Actor, token: str | None = None) -> Case:
    """The case if the caller may see it; otherwise 404, so outsiders learn nothing."""
    case = db.session.get(Case, case_id)
    if case is None or not (can_see_case(actor, case_facts(case)) or _holds_token(case, token)):
        raise not_found("案件 / Case")
    note_case(case.number)  # the request's log lines name the case it is about
    return case


def _holds_token(case: Case, token: str | None) -> bool:
    return bool(token) and any(is_reporter(r, ANONYMOUS, token) for r in case.reports)


def roles_for(actor: Actor, case: Case, token: str | None) -> set[str]:
    """The caller's role, plus REPORTER when he (or his tracking token) reported this case."""
    roles = {actor.role} if actor.role else set()
    if any(is_reporter(r, actor, token) for r in case.reports):
        roles.add(REPORTER)
    return roles


def perform(case: Case, actor: Actor, action: str, data: ActionInput, now: datetime) -> Case:
    """Every case action goes through here: transition table, referenced cases' visibility,
    the optimistic version check (one winner among parallel actions), handler, timeline."""
    roles = roles_for(actor, case, data.token)
    try:
        transition = check(action, case.status, roles)
    except TransitionError as exc:
        if exc.kind == "forbidden":
            raise ApiError(
                403, "forbidden", f"无权{ACTION_ZH.get(action, action)} / {exc}"
            ) from exc
        if exc.kind == "unknown_action":
            raise not_found("操作 / Action") from exc
        raise ApiError(
            409,
            "invalid_transition",
            f"案件当前状态不能{ACTION_ZH[action]} / {exc}",
            {"status": case.status},
        ) from exc
    if data.version is not None and data.version != case.version:
        raise changed_concurrently({"version": case.version})
    data.cases = _referenced_cases(actor, action, data)
    for claimed in sorted({case, *data.cases.values()}, key=lambda c: c.id):  # no deadlocks
        claim(claimed)
    before = case.status
    handler = _HANDLERS[action]
    outcome = handler(case, actor, data, now) or {}
    case.status = outcome.pop("to", transition.target or before)
    photos = outcome.pop("photos", [])
    event = append_event(
        case, actor, action, before, case.status, data.note, outcome, photos, at=now
    )
    db.session.flush()
    case_acted.send(case, event=event, actor=actor)
    return case


def dispatch_by_routing(case: Case, actor: Actor, now: datetime, note: str | None = None) -> bool:
    """Dispatch a case just opened in this transaction by routing, as a findings list import does
    (问题清单"全部反馈到各责任单位"): the importer (a supervisor or admin) is recorded as the actor,
    the unit and its reason come from the same routing as a dispatcher's 派遣. False, leaving the
    case `filed` for a dispatcher, when no routing rule, category owner or grid unit matches."""
    try:
        outcome = _dispatch(case, actor, ActionInput(), now)
    except ApiError:
        return False
    before, case.status = case.status, "dispatched"
    append_event(case, actor, "dispatch", before, case.status, note, outcome, [], at=now)
    return True


def claim(case: Case) -> None:
    """Take the case for this transaction: version N -> N+1 only if it is still N.

    Every action claims, also those that change no case column (escalate, rate, notes...), so
    two parallel actions on one case cannot both succeed: on PostgreSQL the second UPDATE waits
    for the first one's row lock and then matches no row, on SQLite it waits for the write lock.
    The loser gets 409 before it wrote anything.
    """
    seen = case.version
    result = db.session.execute(
        update(Case)
        .where(Case.id == case.id, Case.version == seen)
        .values(version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise changed_concurrently()
    set_committed_value(case, "version", seen + 1)


def _referenced_cases(actor: Actor, action: str, data: ActionInput) -> dict[str, Case]:
    """The other cases the action's arguments name, visible to the caller, else 422 `into`:
    a case he may not see answers exactly like one that does not exist."""
    found = {}
    for name in CASE_ARGUMENTS.get(action, ()):
        case_id = getattr(data, name)
        if case_id is None:
            continue
        other = db.session.get(Case, case_id) if isinstance(case_id, int) else None
        if other is None or not can_see_case(actor, case_facts(other)):
            raise invalid(f"目标案件不存在 / {name}: no such case", field=name)
        found[name] = other
    return found


# ------------------------------------------------------------------ helpers


def _require_note(data: ActionInput, what: str) -> None:
    if not (data.note and data.note.strip()):
        raise invalid(f"{what}需要填写原因 / note is required", field="note")


def _onsite(
    case: Case, actor: Actor, data: ActionInput, photos: list[Upload], after: datetime | None
) -> dict:
    """Where the caller stood (photo GPS first, then the phone's): near the case, photos taken
    after `after` (dispatch) when given. The rule is shared with patrol check-ins."""
    device = None
    if data.lat is not None and data.lon is not None:
        device = to_wgs84(data.lat, data.lon, data.coord_sys)
    site = Site(lambda here: geodesic(here, (case.lat, case.lon)).meters, "案件位置", "the case")
    not_before = NotBefore(after, _BEFORE_DISPATCH) if after is not None else None
    return check_on_site(photos, device, site, not_before).facts()


_BEFORE_DISPATCH = "照片拍摄时间早于派遣时间,请在现场重新拍摄 / photo was taken before dispatch"


def _uploads(data: ActionInput, required: bool) -> list[Upload]:
    """Checked, not stored: the on-site checks run on their EXIF before any file is written."""
    return site_photos(data.files, required)


def _unit_of(case: Case) -> dict[str, str]:
    """The unit acting or judged: statistics attribute the event to it even after a 退回."""
    return {"unit_code": case.unit.code} if case.unit else {}


def _start_due_period(case: Case, start: datetime) -> dict[str, Any]:
    """The category's time limit from `start` (dispatch, rework, reopen); the SLA counts it."""
    limit = case.category
    return start_due_period(case, start, limit.time_limit_value, limit.time_limit_unit)


# ------------------------------------------------------------------ handlers


def _verify(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    uploads = _uploads(data, required=False)
    where = _onsite(case, actor, data, uploads, after=None)
    return {**where, "photos": store_uploads(uploads, actor.account_id)}


def _file(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    if data.category_code:
        case.category = category_by_code(data.category_code)
    if case.category is None:
        raise invalid("立案需要问题类别 / category_code is required to file", field="category_code")
    case.filed_at = now
    return {"category_code": case.category.code}


def _reject(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    _require_note(data, "不予立案")
    case.closed_at = now
    return {}


def _dispatch(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    if case.category is None:
        raise invalid("派遣前需要问题类别 / the case needs a category", field="category_code")
    decision = route(case.category, location_of_grid(case.grid_id), case.lat, case.lon)
    info: dict[str, Any] = {
        "routing": {"basis": decision.basis, "reason": decision.reason_zh, **decision.detail}
    }
    if data.unit_code:
        unit = unit_by_code(data.unit_code)
        info["override"] = unit.id != decision.unit_id
    elif decision.unit_id is None:
        raise invalid(
            "未找到责任单位,请指定 unit_code / no routing rule matched, give unit_code",
            field="unit_code",
        )
    else:
        unit = db.session.get(Unit, decision.unit_id)  # already loaded by route()
    case.unit = unit
    case.dispatched_at = now
    case.filed_at = case.filed_at or now
    info.update(unit_code=unit.code, unit_name=unit.name, **_start_due_period(case, now))
    return info


def _return(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    _require_note(data, "退回")
    case.return_count += 1
    case.extension_request = None
    return {"unit_code": case.unit.code if case.unit else None}


def _request_extension(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    _require_note(data, "申请延期")
    if (
        not isinstance(data.value, int)
        or data.value <= 0
        or data.unit not in ("work_hours", "work_days")
    ):
        raise invalid(
            "延期时长无效 / value (positive integer) and unit (work_hours|work_days) required",
            field="value",
        )
    if case.extension_request:
        raise ApiError(
            409, "extension_pending", "已有待审批的延期申请 / an extension is already pending"
        )
    case.extension_request = {"value": data.value, "unit": data.unit, "note": data.note}
    return {"value": data.value, "unit": data.unit, **_unit_of(case)}


def _approve_extension(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    request = case.extension_request
    if not request:
        raise ApiError(409, "no_extension_pending", "没有待审批的延期申请 / no extension pending")
    start = max(case.due_at, now) if case.due_at else now
    due = start_due_period(case, start, request["value"], request["unit"])
    case.extension_request = None
    return {"value": request["value"], "unit": request["unit"], **due, **_unit_of(case)}


def _deny_extension(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    if not case.extension_request:
        raise ApiError(409, "no_extension_pending", "没有待审批的延期申请 / no extension pending")
    case.extension_request = None
    return {}


def _rectify(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    uploads = _uploads(data, required=True)
    where = _onsite(case, actor, data, uploads, after=case.dispatched_at)
    case.rectified_at = now
    case.extension_request = None
    photos = store_uploads(uploads, actor.account_id)
    return {
        **where,
        "on_time": case.due_at is None or now <= case.due_at,
        "photos": photos,
        **_unit_of(case),
    }


def _check(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    if data.passed is None:
        raise invalid("需要核查结论 passed=true/false / passed is required", field="passed")
    uploads = _uploads(data, required=False)
    where = _onsite(case, actor, data, uploads, after=None) if actor.role == GRID_WORKER else {}
    if not data.passed:
        _require_note(data, "核查不通过")
    photos = store_uploads(uploads, actor.account_id) if uploads else []
    if data.passed:
        case.closed_at = now
        return {**where, "passed": True, "to": "closed", "photos": photos, **_unit_of(case)}
    case.rework_count += 1
    case.rectified_at = None
    case.dispatched_at = now
    return {
        **where,
        "passed": False,
        "to": "dispatched",
        **_start_due_period(case, now),
        "photos": photos,
        **_unit_of(case),
    }


def _close(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    case.closed_at = now
    return {}


def _reopen(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    _require_note(data, "重新办理")
    case.closed_at = None
    case.rectified_at = None
    case.rework_count += 1
    case.dispatched_at = now
    return {**_start_due_period(case, now), "unit_code": case.unit.code if case.unit else None}


def _merge(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    target = data.cases.get("into")
    if target is None:
        raise invalid("需要目标案件 into / into (case id) is required", field="into")
    if target.id == case.id or target.status not in OPEN:
        raise invalid("目标案件无效或已办结 / into must be another open case", field="into")
    case.merged_into_id = target.id
    case.closed_at = now
    moved = sorted(r.id for r in case.reports)
    for report in list(case.reports):  # through the relationship: workflow names no Report model
        report.case = target
    append_event(
        target,
        actor,
        "merge",
        target.status,
        target.status,
        data.note,
        {"merged_case_id": case.id, "merged_case_number": case.number, "report_ids": moved},
        at=now,
    )
    return {"into": target.id, "into_number": target.number, "report_ids": moved}


def _escalate(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    return request_escalation(case, now)


def _rate(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    if not isinstance(data.score, int) or not 1 <= data.score <= 5:
        raise invalid("评分须为1到5 / score must be 1-5", field="score")
    reports = [r for r in case.reports if is_reporter(r, actor, data.token)]
    # One rating per report: a later one replaces it here, and the timeline keeps every rating
    # (the first one too: 引导重评 must not quietly improve the indicator).
    replaced = sorted({r.rating for r in reports if r.rating is not None})
    for report in reports:
        report.rating, report.rating_note, report.rated_at = data.score, data.note, now
    # Named, so `audit verify` can hold each report's rating to its latest rate event.
    ids = sorted(r.id for r in reports)
    info: dict[str, Any] = {"score": data.score, "satisfied": data.score >= 3, "report_ids": ids}
    if replaced:
        info["replaces"] = replaced[0] if len(replaced) == 1 else replaced
    return info


def _void(case: Case, actor: Actor, data: ActionInput, now: datetime) -> dict:
    _require_note(data, "作废")
    case.closed_at = now
    return {}


_HANDLERS = {
    "verify": _verify,
    "file": _file,
    "reject": _reject,
    "dispatch": _dispatch,
    "return": _return,
    "request-extension": _request_extension,
    "approve-extension": _approve_extension,
    "deny-extension": _deny_extension,
    "rectify": _rectify,
    "check": _check,
    "close": _close,
    "reopen": _reopen,
    "merge": _merge,
    "escalate": _escalate,
    "rate": _rate,
    "void": _void,
}
