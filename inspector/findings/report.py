"""A batch's progress per unit (谁丢分、谁负责), as JSON, an HTML page or an XLSX workbook.

Counts per responsible unit (the unit the case is dispatched to): `open` (not yet rectified),
`rectified` (awaiting the on-site check), `closed` (销号); `overdue`: not closed by the batch's
due date (end of that day, Asia/Shanghai), or, without one, by the case's own deadline.
`lost_marks` are charged to the item's owner unit (point owner, else grid unit), which may be
another unit than the one that rectifies. Only cases the caller may see are counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access.actor import Actor
from ..documents import data_uri
from ..extensions import db
from ..org.models import Unit
from ..photos.models import Photo
from ..photos.service import ensure_derivatives, signed_url, storage
from ..photos.storage import derived_key
from ..timeutil import CHINA, as_utc, iso_local
from ..workflow.models import Case
from ..workflow.queries import visible_cases
from .documents import page_html, table_html, workbook
from .models import BATCH_SOURCES, FindingBatch, FindingItem

NOT_RECTIFIED = ("new", "verifying", "filed", "dispatched", "returned")


def deadline(batch: FindingBatch) -> datetime | None:
    """The end of the due date in China time (an inclusive date), as UTC."""
    if batch.due_date is None:
        return None
    return datetime.combine(batch.due_date + timedelta(days=1), time(0), CHINA).astimezone(UTC)


def is_overdue(case: Case, due: datetime | None, now: datetime) -> bool:
    due = due or (as_utc(case.due_at) if case.due_at else None)
    if due is None or case.status in ("rejected", "void", "merged"):
        return False
    if case.status == "closed":
        return case.closed_at is not None and as_utc(case.closed_at) > due
    return as_utc(now) > due


@dataclass
class _Tally:
    total: int = 0
    open: int = 0
    rectified: int = 0
    closed: int = 0
    overdue: int = 0
    lost_marks: float = 0.0


def _items(batch: FindingBatch, actor: Actor) -> list[FindingItem]:
    return list(
        db.session.scalars(
            select(FindingItem)
            .join(Case, FindingItem.case_id == Case.id)
            .where(FindingItem.batch_id == batch.id, visible_cases(actor))
            .options(
                selectinload(FindingItem.case).selectinload(Case.unit),
                selectinload(FindingItem.owner_unit),
            )
            .order_by(FindingItem.id)
        )
    )


def batch_summary(batch: FindingBatch, actor: Actor, now: datetime) -> dict[str, Any]:
    due = deadline(batch)
    tallies: dict[str | None, _Tally] = {}
    items = _items(batch, actor)
    for item in items:
        case = item.case
        t = tallies.setdefault(case.unit.code if case.unit else None, _Tally())
        t.total += 1
        t.open += case.status in NOT_RECTIFIED
        t.rectified += case.status == "rectified"
        t.closed += case.status == "closed"
        t.overdue += is_overdue(case, due, now)
        if item.lost_marks:
            owner = item.owner_unit.code if item.owner_unit else None
            tallies.setdefault(owner, _Tally()).lost_marks += item.lost_marks
    names = {code: name for code, name in db.session.execute(select(Unit.code, Unit.name))}
    by_unit = [
        {
            "unit_code": code,
            "unit_name": names.get(code) if code else "未派遣",
            "total": t.total,
            "open": t.open,
            "rectified": t.rectified,
            "closed": t.closed,
            "overdue": t.overdue,
            "lost_marks": round(t.lost_marks, 2),
        }
        for code, t in sorted(tallies.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    ]
    return {
        "id": batch.id,
        "name": batch.name,
        "source": batch.source,
        "source_name": BATCH_SOURCES[batch.source],
        "due_date": batch.due_date.isoformat() if batch.due_date else None,
        "total": len(items),
        "by_unit": by_unit,
        "items": [_item_json(item, due, now) for item in items],
    }


def _item_json(item: FindingItem, due: datetime | None, now: datetime) -> dict[str, Any]:
    case = item.case
    before = [p for r in case.reports for p in r.photos]
    after = [p for e in case.events if e.action == "rectify" for p in e.photos]
    return {
        "item_no": item.item_no,
        "description": item.description,
        "lost_marks": item.lost_marks,
        "owner_unit_code": item.owner_unit.code if item.owner_unit else None,
        "case_id": case.id,
        "case_number": case.number,
        "status": case.status,
        "unit_code": case.unit.code if case.unit else None,
        "address": case.address,
        "closed_at": iso_local(case.closed_at),
        "overdue": is_overdue(case, due, now),
        "before_photos": [signed_url(p, "thumb") for p in before],
        "after_photos": [signed_url(p, "thumb") for p in after],
        "before_photo_ids": [p.id for p in before],
        "after_photo_ids": [p.id for p in after],
    }


# ---------------------------------------------------------------- documents

_UNIT_HEAD = ("责任单位", "单位编码", "问题数", "未整改", "已整改待核查", "已销号", "超期", "扣分")
_ITEM_HEAD = (
    "序号",
    "问题描述",
    "案件编号",
    "状态",
    "责任单位",
    "扣分",
    "扣分单位",
    "超期",
    "销号时间",
)


def _unit_cells(u: dict) -> list:
    return [
        u["unit_name"],
        u["unit_code"],
        u["total"],
        u["open"],
        u["rectified"],
        u["closed"],
        u["overdue"],
        u["lost_marks"],
    ]


def _item_cells(i: dict) -> list:
    return [
        i["item_no"],
        i["description"],
        i["case_number"],
        i["status"],
        i["unit_code"],
        i["lost_marks"],
        i["owner_unit_code"],
        "是" if i["overdue"] else "否",
        i["closed_at"],
    ]


def embedded_thumb(photo_id: int) -> str:
    """A thumbnail from storage as a data: URI, so a PDF carries its photos inside it."""
    photo = db.session.get(Photo, photo_id)
    ensure_derivatives(photo)
    data = storage().read(derived_key(photo.sha256, "thumb"))
    return data_uri(data)


def summary_html(summary: dict, embed: bool = False) -> str:
    """A printable page: units, then items with before/after photos side by side. `embed`: the
    photos inlined from storage (for the PDF, which fetches nothing), else their signed links."""

    def imgs(item: dict, when: str) -> str:
        if embed:
            sources = [embedded_thumb(i) for i in item[f"{when}_photo_ids"]]
        else:
            sources = item[f"{when}_photos"]
        return "".join(f'<img src="{escape(u)}" alt="" width="160">' for u in sources) or "—"

    items = "".join(
        "<tr>"
        + "".join(f"<td>{escape('' if c is None else c)}</td>" for c in _item_cells(i))
        + f"<td>{imgs(i, 'before')}</td><td>{imgs(i, 'after')}</td></tr>"
        for i in summary["items"]
    )
    head = "".join(f"<th>{h}</th>" for h in (*_ITEM_HEAD, "整改前", "整改后"))
    return page_html(
        summary["name"],
        f"<h1>问题清单:{escape(summary['name'])}</h1>"
        f"<p>来源:{escape(summary['source_name'])};整改期限:{escape(summary['due_date'] or '—')};"
        f"共 {summary['total']} 个问题</p>"
        "<h2>按责任单位</h2>"
        + table_html(_UNIT_HEAD, [_unit_cells(u) for u in summary["by_unit"]])
        + f"<h2>问题明细</h2><table border=1><tr>{head}</tr>{items}</table>",
    )


def summary_xlsx(summary: dict) -> bytes:
    return workbook(
        [
            ("按责任单位", _UNIT_HEAD, [_unit_cells(u) for u in summary["by_unit"]]),
            ("问题明细", _ITEM_HEAD, [_item_cells(i) for i in summary["items"]]),
        ]
    )
