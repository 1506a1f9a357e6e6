"""周通报 and 月总结: the numbers (JSON), an A4 page (HTML) and its PDF; publishing freezes them.

A published bulletin is stored whole (numbers, page, PDF and the PDF's SHA-256, who published
it); every later read returns exactly that, whatever changes in the cases afterwards.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select

from ..access.actor import Actor
from ..access.roles import ROLE_NAMES_ZH
from ..categories.models import FAMILIES, Category
from ..documents import render_pdf
from ..errors import ApiError
from ..extensions import db
from ..grid.models import Zone
from ..timeutil import CHINA, as_utc, iso_local, utcnow
from ..workflow.models import SOURCES, Case
from . import charts, periods, queries
from .formulas import rate
from .indicators import COUNTS, minimum_due, unit_items, weights, window
from .models import Bulletin
from .periods import Period
from .published import published
from .rankings import flag_history, list_size, red_black
from .scopes import CITY, Scope, scope_of

KIND_ZH = {"weekly": "周通报", "monthly": "月总结"}
LIST_LIMIT = 50  # overdue and escalated cases listed in a bulletin

_env = Environment(
    loader=PackageLoader("inspector.supervision", "templates"),
    autoescape=select_autoescape(["html"]),
)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f}%"


_env.filters["pct"] = _pct


def _days(period: Period) -> list[tuple[str, datetime, datetime]]:
    out = []
    day = period.first
    while day <= period.last:
        one = Period(day, day, day.isoformat())
        out.append((day.isoformat(), one.start, one.end))
        day += timedelta(days=1)
    return out


def _rounded(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _names(model: Any, ids: list) -> dict:
    rows = db.session.scalars(select(model).where(model.id.in_([i for i in ids if i]))).all()
    return {row.id: row for row in rows}


def build(
    kind: str, period: Period, now: datetime | None = None, scope: Scope = CITY
) -> dict[str, Any]:
    """The bulletin's numbers for the whole city, or for a district's cases (scopes.py)."""
    now = as_utc(now or utcnow())
    w, where = window(period, now), scope.where()
    queries.analytic()
    with_family = where & (Category.id == Case.category_id)
    by_source = queries.reported(Case.source, w, where)
    families = queries.only(queries.case_figures(Category.family, [w], with_family))
    filed_by_family = queries.filed(Category.family, w, with_family)
    received = sum(by_source.values())
    due = sum(f.get("due", 0) for f in families.values())
    closed = sum(f.get("closed", 0) for f in families.values())
    on_time = sum(f.get("closed_on_time", 0) for f in families.values())
    filed_total = sum(filed_by_family.values())
    totals = {
        "received": received,
        "filed": filed_total,
        "due": due,
        "closed": closed,
        "closing_rate": _rounded(rate(closed, due)),
        "closed_on_time": on_time,
        "on_time_rate": _rounded(rate(on_time, due)),
    }
    sources = [
        {
            "source": s,
            "source_name": SOURCES.get(s, s),
            "count": n,
            "share": _rounded(rate(n, received)),
        }
        for s, n in sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    family_rows = []
    for family, name in FAMILIES.items():
        f = families.get(family, {})
        family_rows.append(
            {
                "family": family,
                "family_name": name,
                "filed": filed_by_family.get(family, 0),
                "due": f.get("due", 0),
                "closed": f.get("closed", 0),
                "closing_rate": _rounded(rate(f.get("closed", 0), f.get("due", 0))),
            }
        )
    per_category = queries.filed(Case.category_id, w, where)
    categories = _names(Category, list(per_category))
    top: dict[str, list] = {family: [] for family in FAMILIES}
    for category_id, n in sorted(per_category.items(), key=lambda kv: -kv[1]):
        category = categories.get(category_id)
        if category is not None and len(top[category.family]) < 3:
            top[category.family].append({"code": category.code, "name": category.name, "count": n})
    districts_fig = queries.only(queries.case_figures(Case.district_id, [w], where))
    districts_new = queries.reported(Case.district_id, w, where)
    district_zones = db.session.scalars(
        select(Zone).where(Zone.level == "district").order_by(Zone.code)
    ).all()
    if not scope.citywide:  # a district's bulletin lists the districts it covers
        district_zones = [
            z
            for z in district_zones
            if z.id in districts_new or z.id in districts_fig or z.id in scope.zone_ids
        ]
    districts = []
    for zone in district_zones:
        f = districts_fig.get(zone.id, {})
        districts.append(
            {
                "district_code": zone.code,
                "district_name": zone.name,
                "received": districts_new.get(zone.id, 0),
                "due": f.get("due", 0),
                "closed": f.get("closed", 0),
                "closing_rate": _rounded(rate(f.get("closed", 0), f.get("due", 0))),
                "on_time_rate": _rounded(rate(f.get("closed_on_time", 0), f.get("due", 0))),
            }
        )
    days = _days(period)
    daily = queries.daily_new_closed([(a, b) for _label, a, b in days], where)
    wts = weights()
    units = unit_items(w, where, wts)
    red, black = red_black(units, list_size())
    data: dict[str, Any] = {
        "kind": kind,
        "kind_name": KIND_ZH[kind],
        "scope": scope.json(),
        "scope_name": scope.title or "全市",
        "period": period.json(),
        "generated_at": iso_local(now),
        "weights": wts.json(),
        "minimum_due": minimum_due(),
        "totals": totals,
        "by_source": sources,
        "by_family": family_rows,
        "top_categories": top,
        "by_district": districts,
        "daily": [
            {"date": label, "new": n, "closed": c}
            for (label, _a, _b), (n, c) in zip(days, daily, strict=True)
        ],
        "units": units,
        "red": red,
        "black": black,
        "yellow_flag": None,
        "yellow_flag_history": [],
        "overdue": _overdue(w, where),
        "escalated": _escalated(w, where),
        "recurrence_hotspots": _hotspots(w, where),
    }
    if kind == "weekly":
        # the flag is the city's: a district's bulletin shows the city's holder
        history = flag_history(period, now, units if scope.citywide else None)
        data["yellow_flag_history"] = history
        if history:
            last = history[-1]
            data["yellow_flag"] = {
                "unit_code": last["unit_code"],
                "unit_name": last["unit_name"],
                "since_week": last["week"],
            }
    return data


def _case_row(case: Case) -> dict[str, Any]:
    return {
        "case_id": case.id,
        "number": case.number,
        "unit_code": case.unit.code if case.unit else None,
        "unit_name": case.unit.name if case.unit else None,
        "category_name": case.category.name if case.category else None,
        "address": case.address,
        "due_at": iso_local(case.due_at),
        "escalation_level": case.escalation_level,
    }


def _overdue(w: queries.Window, where) -> list[dict]:  # noqa: ANN001
    return [_case_row(c) for c in queries.overdue_cases(w, where, LIST_LIMIT)]


def _escalated(w: queries.Window, where) -> list[dict]:  # noqa: ANN001
    rows = queries.escalated_cases(w, where, LIST_LIMIT)
    cases = _names(Case, [r.id for r in rows])
    return [{**_case_row(cases[r.id]), "times": r.times} for r in rows]


def _hotspots(w: queries.Window, where) -> list[dict]:  # noqa: ANN001
    rows = queries.recurrence_hotspots(w, where, 10)
    zones = _names(Zone, [r.grid_id for r in rows])
    return [
        {
            "grid_code": zones[r.grid_id].code if r.grid_id in zones else None,
            "grid_name": zones[r.grid_id].name if r.grid_id in zones else None,
            "recurrences": r.n,
        }
        for r in rows
    ]


def render_html(data: dict[str, Any]) -> str:
    """The printable A4 page, charts inlined, so the page and the PDF need nothing else."""
    images = {
        "daily": charts.new_vs_closed(data["daily"]),
        "units": charts.on_time_by_unit(data["units"]),
        "districts": charts.cases_by_district(data["by_district"]),
    }
    return _env.get_template("bulletin.html").render(b=data, charts=images, counts=COUNTS)


def document(kind: str, period: Period, fmt: str, scope: Scope = CITY) -> tuple[Any, str | None]:
    """(body, sha256): the scope's frozen document when published, else fresh numbers."""
    frozen = published(kind, period.label, scope.key)
    if frozen is not None:
        if fmt == "pdf":
            return frozen.pdf, frozen.pdf_sha256
        if fmt == "html":
            return frozen.html, frozen.pdf_sha256
        return {**frozen.data, "published": _published_json(frozen)}, frozen.pdf_sha256
    data = build(kind, period, scope=scope)
    if fmt == "json":
        return {**data, "published": None}, None
    html = render_html(data)
    return (render_pdf(html) if fmt == "pdf" else html), None


def _published_json(b: Bulletin) -> dict[str, Any]:
    return {
        "at": iso_local(b.published_at),
        "by": b.published_by.display_name or b.published_by.username,
        "by_role": b.published_by_role,
        "by_role_name": ROLE_NAMES_ZH.get(b.published_by_role, b.published_by_role),
        "sha256": b.pdf_sha256,
    }


def publish(kind: str, period: Period, actor: Actor, now: datetime | None = None) -> Bulletin:
    """Freeze the bulletin: numbers, page, PDF and its SHA-256, and who published it. Flushes.

    Only a period that has ended can be published: its numbers must be complete. A zone-bound
    supervisor publishes his district's bulletin (scopes.py), never the city's.
    """
    now = as_utc(now or utcnow())
    scope = scope_of(actor)
    if period.end > now:
        raise ApiError(
            409, "period_not_over", "统计期间尚未结束,不能发布 / the period has not ended yet"
        )
    if published(kind, period.label, scope.key) is not None:
        raise ApiError(409, "already_published", "该期已发布,不可修改 / already published")
    data = build(kind, period, now, scope)
    html = render_html(data)
    pdf = render_pdf(html)
    bulletin = Bulletin(
        kind=kind,
        period=period.label,
        scope=scope.key,
        data=data,
        html=html,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        published_at=now,
        published_by_id=actor.account_id,
        published_by_role=actor.role,
    )
    db.session.add(bulletin)
    db.session.flush()  # a concurrent publish loses on the unique key: 409 from the handler
    return bulletin


def listing(
    kind: str, count: int, scope: Scope = CITY, now: datetime | None = None
) -> dict[str, Any]:
    """The latest `count` periods of the scope's bulletins, newest first: dates, whether the
    period is over (only then may it be published) and, when published, who froze it and the
    PDF's SHA-256. One query."""
    now = as_utc(now or utcnow())
    recent = periods.recent(kind, now.astimezone(CHINA).date(), count)
    query = select(Bulletin).where(
        Bulletin.kind == kind,
        Bulletin.scope == scope.key,
        Bulletin.period.in_([p.label for p in recent]),
    )
    frozen = {b.period: b for b in db.session.scalars(query)}
    return {
        "kind": kind,
        "items": [
            {
                "kind": kind,
                "period": p.label,
                "from": p.first.isoformat(),
                "to": p.last.isoformat(),
                "ended": p.end <= now,
                "published": _published_json(frozen[p.label]) if p.label in frozen else None,
            }
            for p in recent
        ],
    }


def publication_json(b: Bulletin) -> dict[str, Any]:
    return {
        "kind": b.kind,
        "period": b.period,
        "scope": b.data.get("scope"),
        "published": _published_json(b),
    }
