"""12345 hotline tickets: each row of a platform export becomes a report and a case with source
`hotline` and its ticket number; a re-import finds the case by ticket number and updates it
(never a second case). Bad rows are reported by line while the good ones load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..access.actor import Actor
from ..categories.models import Category
from ..errors import ApiError, invalid
from ..extensions import db
from ..grid.address import geocode_address
from ..grid.coords import SYSTEMS, to_wgs84
from ..points.service import point_at
from ..reports.models import Report
from ..reports.service import locate_in_city, open_case, record_intake
from ..timeutil import CHINA, as_utc
from ..workflow.models import Case
from ..workflow.service import claim
from ..workflow.timeline import append_event
from .files import FileError, Row, read_rows

SOURCE = "hotline"
# Field -> the header a 12345 export uses by default (api.md); HOTLINE_COLUMNS overrides.
DEFAULT_COLUMNS = {
    "ticket_no": "工单编号",
    "accepted_at": "受理时间",
    "text": "诉求内容",
    "address": "事发地址",
    "lon": "经度",
    "lat": "纬度",
    "coord_sys": "坐标系",
    "category": "问题分类",
}
DEFAULT_COORD_SYS = "gcj02"  # the 12345 platforms put tickets on AMap/Tencent maps
EDITABLE = ("new", "filed")  # a re-import may still change a ticket the unit has not received
_TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M",
)


@dataclass
class Ticket:
    ticket_no: str | None  # None: a follow-up case of ours, not a platform ticket
    accepted_at: datetime
    text: str | None
    address: str | None
    lat: float
    lon: float
    category: Category | None
    category_text: str | None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


def _setting(name: str) -> dict[str, str]:
    raw = current_app.config.get(name) or ""
    if not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ApiError(500, "bad_setting", f"INSPECTOR_{name} 不是 JSON / not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise ApiError(500, "bad_setting", f"INSPECTOR_{name} 须为 JSON 对象 / must be an object")
    return {str(k): str(v) for k, v in value.items()}


def columns() -> dict[str, str]:
    return {**DEFAULT_COLUMNS, **_setting("HOTLINE_COLUMNS")}


def import_file(actor: Actor, data: bytes, filename: str, now: datetime) -> ImportResult:
    try:
        headers, rows = read_rows(data, filename)
    except FileError as exc:
        raise invalid(str(exc), field="file") from exc
    cols = columns()
    missing = [cols[f] for f in ("ticket_no", "accepted_at") if cols[f] not in headers]
    if missing:
        raise invalid(f"缺少列 / missing columns: {', '.join(missing)}", field="file")
    mapping = _setting("HOTLINE_CATEGORIES")
    result = ImportResult()
    seen: dict[str, int] = {}
    for row in rows:
        try:
            ticket = _ticket(row, cols, mapping)
            if ticket.ticket_no in seen:
                raise invalid(
                    f"工单编号与第 {seen[ticket.ticket_no]} 行重复 / duplicate ticket number"
                )
            seen[ticket.ticket_no] = row.line
            with db.session.begin_nested():  # a row that fails leaves nothing behind
                outcome = _load(actor, ticket, now)
        except ApiError as exc:
            result.errors.append({"line": row.line, "message": exc.message})
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def _cell(row: Row, header: str) -> Any:  # noqa: ANN401 - a spreadsheet cell
    value = row.values.get(header)
    if isinstance(value, str):
        return value.strip() or None
    return value


def _text(value: Any) -> str | None:  # noqa: ANN401
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a ticket number Excel stored as a number
    return str(value).strip() or None


def _ticket(row: Row, cols: dict[str, str], mapping: dict[str, str]) -> Ticket:
    ticket_no = _text(_cell(row, cols["ticket_no"]))
    if not ticket_no or len(ticket_no) > 40:
        raise invalid("工单编号缺失或过长 / ticket number missing or too long")
    accepted_at = _time(_cell(row, cols["accepted_at"]))
    text = _text(_cell(row, cols["text"]))
    address = _text(_cell(row, cols["address"]))
    lat, lon = _position(row, cols, address)
    category_text = _text(_cell(row, cols["category"]))
    category = _category(category_text, mapping)
    return Ticket(ticket_no, accepted_at, text, address, lat, lon, category, category_text)


def _time(value: Any) -> datetime:  # noqa: ANN401
    if isinstance(value, datetime):
        return as_utc(value.replace(tzinfo=CHINA) if value.tzinfo is None else value)
    text = _text(value)
    if not text:
        raise invalid("受理时间缺失 / accepted time missing")
    for fmt in _TIME_FORMATS:
        try:
            return as_utc(datetime.strptime(text, fmt).replace(tzinfo=CHINA))
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise invalid(f"受理时间无法识别 / unreadable accepted time: {text}") from None
    return as_utc(parsed.replace(tzinfo=CHINA) if parsed.tzinfo is None else parsed)


def _position(row: Row, cols: dict[str, str], address: str | None) -> tuple[float, float]:
    raw_lat, raw_lon = _cell(row, cols["lat"]), _cell(row, cols["lon"])
    if raw_lat is None and raw_lon is None:
        if not address:
            raise invalid("缺少坐标和地址 / neither coordinates nor address")
        found = geocode_address(address)
        if found is None:
            raise invalid(f"地址无法定位 / address not found: {address}")
        return found
    try:
        lat, lon = float(raw_lat), float(raw_lon)
    except (TypeError, ValueError):
        raise invalid("经纬度无效 / invalid longitude or latitude") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise invalid("经纬度超出范围 / coordinates out of range")
    system = (_text(_cell(row, cols["coord_sys"])) or DEFAULT_COORD_SYS).lower().replace("-", "")
    if system not in SYSTEMS:
        raise invalid(f"坐标系无效 / unknown coordinate system: {system}")
    return to_wgs84(lat, lon, system)


def _category(text: str | None, mapping: dict[str, str]) -> Category | None:
    """Configured table first, then our own codes and names; unknown text: no category (the
    dispatcher files it), never a refused ticket."""
    if not text:
        return None
    code = mapping.get(text, text)
    found = db.session.scalar(
        select(Category).where((Category.code == code) | (Category.name == code), Category.active)
    )
    return found


def _load(actor: Actor, ticket: Ticket, now: datetime) -> str:
    location = locate_in_city(ticket.lat, ticket.lon)
    case = db.session.scalar(select(Case).where(Case.ticket_no == ticket.ticket_no))
    if case is None:
        open_ticket_case(actor, ticket, location, now)
        return "created"
    return _update(actor, case, ticket, location, now)


def open_ticket_case(
    actor: Actor, ticket: Ticket, location: Any, now: datetime, extra: dict | None = None
) -> Case:  # noqa: ANN401
    """Report + case of a ticket: filed when its category is known (the hotline accepted it
    already), else waiting for the dispatcher (`new`)."""
    status = "filed" if ticket.category is not None else "new"
    report = Report(
        source=SOURCE,
        lat=ticket.lat,
        lon=ticket.lon,
        position_source="ticket",
        grid_id=location.grid_id,
        category=ticket.category,
        description=ticket.text,
        warnings=[],
        created_at=ticket.accepted_at,
    )
    case = open_case(report, location, ticket.category, status, ticket.accepted_at)
    case.ticket_no = ticket.ticket_no
    if ticket.address:
        case.address = ticket.address
    record_intake(
        actor,
        report,
        case,
        note=ticket.text,
        data={
            "source": SOURCE,
            "ticket_no": ticket.ticket_no,
            "accepted_at": ticket.accepted_at.isoformat(),
            "category_code": ticket.category.code if ticket.category else None,
            "hotline_category": ticket.category_text,
            "warnings": [],
            **(extra or {}),
        },
        at=now,
    )
    return case


def _update(actor: Actor, case: Case, ticket: Ticket, location: Any, now: datetime) -> str:  # noqa: ANN401
    report = next((r for r in case.reports if r.source == SOURCE), None)
    changes: dict[str, list[Any]] = {}
    if case.description != ticket.text:
        changes["text"] = [case.description, ticket.text]
    if ticket.address and case.address != ticket.address:
        changes["address"] = [case.address, ticket.address]
    if abs(case.lat - ticket.lat) > 1e-7 or abs(case.lon - ticket.lon) > 1e-7:
        changes["position"] = [[case.lat, case.lon], [ticket.lat, ticket.lon]]
    if as_utc(case.created_at) != ticket.accepted_at:
        changes["accepted_at"] = [iso(case.created_at), iso(ticket.accepted_at)]
    new_category = ticket.category is not None and case.category_id != ticket.category.id
    if not changes and not new_category:
        return "unchanged"
    if case.status not in EDITABLE:
        raise invalid(
            f"工单 {ticket.ticket_no} 已派遣办理(案件 {case.number}),内容变化未导入 / "
            "the ticket's case is already dispatched: changes not imported"
        )
    claim(case)
    if changes:
        case.description = ticket.text
        case.address = ticket.address or case.address
        _place(case, ticket, location)
        case.created_at = ticket.accepted_at
        if report is not None:
            report.description, report.lat, report.lon = ticket.text, ticket.lat, ticket.lon
            report.grid_id, report.created_at = location.grid_id, ticket.accepted_at
        append_event(
            case,
            actor,
            "hotline-update",
            case.status,
            case.status,
            None,
            {"changes": changes},
            at=now,
        )
    if new_category:
        # Said as a filing, the one step the audit replays a category from.
        before = case.status
        case.category, case.status, case.filed_at = ticket.category, "filed", now
        if report is not None:
            report.category = ticket.category
        append_event(
            case,
            actor,
            "file",
            before,
            "filed",
            "12345工单重新导入 / re-imported ticket",
            {"category_code": ticket.category.code, "hotline_category": ticket.category_text},
            at=now,
        )
    db.session.flush()
    return "updated"


def _place(case: Case, ticket: Ticket, location: Any) -> None:  # noqa: ANN401
    chain = location.chain
    case.lat, case.lon, case.grid_id = ticket.lat, ticket.lon, location.grid_id
    case.community_id = chain.get("community", {}).get("id")
    case.subdistrict_id = chain.get("subdistrict", {}).get("id")
    case.district_id = chain.get("district", {}).get("id")
    point = point_at(ticket.lat, ticket.lon)
    case.point_id = point.id if point else None


def iso(value: datetime) -> str:
    return as_utc(value).isoformat()
