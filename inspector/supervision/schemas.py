"""Answer shapes of the supervision indicators, rankings and bulletins for the OpenAPI document
(supervision.indicators, .rankings, .bulletins; documentation only: views send their dicts as
they are). Rates are fractions 0..1 (4 decimals), null when their base is 0."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer
from ..schemas import Int

_RATE = {"required": True, "allow_none": True}


class PeriodOut(Answer):
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    label = fields.String(required=True)
    start = fields.DateTime(required=True)
    end = fields.DateTime(required=True)


class WeightsOut(Answer):
    rates = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    penalties_per_case = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)


class Rates(Answer):
    closing_rate = fields.Float(**_RATE)
    on_time_rate = fields.Float(**_RATE)
    rework_rate = fields.Float(**_RATE)
    extension_rate = fields.Float(**_RATE)
    return_rate = fields.Float(**_RATE)


class Counts(Answer):
    dispatched = Int(required=True)
    due = Int(required=True)
    closed = Int(required=True)
    closed_on_time = Int(required=True)
    rectified = Int(required=True)
    returned = Int(required=True)
    reworked = Int(required=True)
    extended = Int(required=True)
    overdue_open = Int(required=True)
    escalated = Int(required=True)
    recurrences = Int(required=True)


class UnitRow(Counts, Rates):
    unit_code = fields.String(required=True)
    unit_name = fields.String(required=True)
    satisfaction_answers = Int(
        required=True, metadata={"description": "回访(无法联系除外)+首次评价"}
    )
    satisfied = Int(required=True, metadata={"description": "满意、基本满意或评价 ≥ 3"})
    satisfaction_rate = fields.Float(**_RATE, metadata={"description": "满意率"})
    lost_marks = fields.Float(required=True, metadata={"description": "问题清单丢分"})
    score = fields.Float(required=True, allow_none=True, metadata={"description": "综合指标 0-100"})
    rank = Int(required=True, allow_none=True, metadata={"description": "应结案不足时不排名"})


class UnitStats(Answer):
    period = fields.Nested(PeriodOut, required=True)
    weights = fields.Nested(WeightsOut, required=True)
    minimum_due = Int(required=True)
    zone_code = fields.String(required=True, allow_none=True)
    items = fields.List(fields.Nested(UnitRow), required=True)


class GridRow(Answer):
    grid_code = fields.String(required=True)
    grid_name = fields.String(required=True)
    unit_code = fields.String(required=True, allow_none=True)
    reported = Int(required=True)
    found_by_worker = Int(required=True)
    missed = Int(required=True)
    miss_rate = fields.Float(**_RATE)
    verified = Int(required=True)
    verified_on_time = Int(required=True)
    verify_on_time_rate = fields.Float(**_RATE)
    checked = Int(required=True)
    checked_on_time = Int(required=True)
    check_on_time_rate = fields.Float(**_RATE)
    check_failed = Int(required=True)


class CategoryRow(Counts, Rates):
    category_code = fields.String(required=True)
    category_name = fields.String(required=True)
    family = fields.String(required=True)
    family_name = fields.String(required=True)
    reported = Int(required=True)


class ReporterRow(Answer):
    reporter = fields.String(required=True, metadata={"description": "姓名已遮蔽 / masked"})
    role = fields.String(required=True)
    role_name = fields.String(required=True)
    sent = Int(required=True)
    valid = Int(required=True)
    valid_rate = fields.Float(**_RATE)


class _Stats(Answer):
    period = fields.Nested(PeriodOut, required=True)
    zone_code = fields.String(required=True, allow_none=True)


class GridStats(_Stats):
    items = fields.List(fields.Nested(GridRow), required=True)


class CategoryStats(_Stats):
    items = fields.List(fields.Nested(CategoryRow), required=True)


class ReporterStats(_Stats):
    items = fields.List(fields.Nested(ReporterRow), required=True)


class YellowFlag(Answer):
    unit_code = fields.String(required=True)
    unit_name = fields.String(required=True)
    since_week = fields.String(required=True)


class _Ranked(Answer):
    minimum_due = Int(required=True)
    red = fields.List(fields.Nested(UnitRow), required=True, metadata={"description": "红榜"})
    black = fields.List(fields.Nested(UnitRow), required=True, metadata={"description": "黑榜"})
    yellow_flag = fields.Nested(YellowFlag, required=True, allow_none=True)
    yellow_flag_history = fields.List(fields.Dict(), required=True)


class RankingsOut(_Ranked):
    period = fields.Nested(PeriodOut, required=True)
    week = fields.String(required=True)


class PublishedOut(Answer):
    at = fields.DateTime(required=True)
    by = fields.String(required=True)
    by_role = fields.String(required=True)
    by_role_name = fields.String(required=True)
    sha256 = fields.String(required=True, allow_none=True)


class BulletinPeriodOut(Answer):
    kind = fields.String(required=True)
    period = fields.String(required=True)
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)
    ended = fields.Boolean(required=True)
    published = fields.Nested(PublishedOut, required=True, allow_none=True)


class BulletinListOut(Answer):
    """The latest periods (newest first) of the caller's scope: over or not, published or not."""

    kind = fields.String(required=True)
    items = fields.List(fields.Nested(BulletinPeriodOut), required=True)


class BulletinOut(_Ranked):
    """周通报/月总结 as data; `published` once frozen (then these are the frozen numbers)."""

    kind = fields.String(required=True)
    kind_name = fields.String(required=True)
    scope = fields.Dict(
        required=True, allow_none=True, metadata={"description": "区级通报的区域;全市为 null"}
    )
    scope_name = fields.String(required=True)
    period = fields.Nested(PeriodOut, required=True)
    generated_at = fields.DateTime(required=True)
    weights = fields.Nested(WeightsOut, required=True)
    totals = fields.Dict(required=True)
    by_source = fields.List(fields.Dict(), required=True)
    by_family = fields.List(fields.Dict(), required=True)
    top_categories = fields.Dict(required=True)
    by_district = fields.List(fields.Dict(), required=True)
    daily = fields.List(fields.Dict(), required=True)
    units = fields.List(fields.Nested(UnitRow), required=True)
    overdue = fields.List(fields.Dict(), required=True)
    escalated = fields.List(fields.Dict(), required=True)
    recurrence_hotspots = fields.List(fields.Dict(), required=True)
    published = fields.Nested(PublishedOut, required=True, allow_none=True)


class PublicationOut(Answer):
    kind = fields.String(required=True)
    period = fields.String(required=True)
    scope = fields.Dict(required=True, allow_none=True)
    published = fields.Nested(PublishedOut, required=True)
