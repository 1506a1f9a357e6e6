"""Answer shapes of findings lists and campaigns for the OpenAPI document (findings.report,
findings.campaigns, the views; documentation only)."""

from __future__ import annotations

from marshmallow import fields

from ..apidoc import Answer
from ..schemas import Int


class BatchImported(Answer):
    batch_id = Int(required=True)
    created = Int(required=True)
    updated = Int(required=True)
    unchanged = Int(required=True)
    undispatched = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "未匹配责任单位的序号 / item numbers"},
    )
    errors = fields.List(fields.Dict(), required=True)


class UnitTally(Answer):
    unit_code = fields.String(required=True, allow_none=True)
    unit_name = fields.String(required=True, allow_none=True)
    total = Int(required=True)
    open = Int(required=True)
    rectified = Int(required=True)
    closed = Int(required=True)
    overdue = Int(required=True)
    lost_marks = fields.Float(required=True)


class BatchItem(Answer):
    item_no = fields.String(required=True)
    description = fields.String(required=True)
    lost_marks = fields.Float(required=True, allow_none=True)
    owner_unit_code = fields.String(required=True, allow_none=True)
    case_id = Int(required=True)
    case_number = fields.String(required=True)
    status = fields.String(required=True)
    unit_code = fields.String(required=True, allow_none=True)
    address = fields.String(required=True, allow_none=True)
    closed_at = fields.DateTime(required=True, allow_none=True)
    overdue = fields.Boolean(required=True)
    before_photos = fields.List(fields.String(), required=True)
    after_photos = fields.List(fields.String(), required=True)


class BatchSummary(Answer):
    id = Int(required=True)
    name = fields.String(required=True)
    source = fields.String(required=True)
    source_name = fields.String(required=True)
    due_date = fields.Date(required=True, allow_none=True)
    total = Int(required=True)
    by_unit = fields.List(fields.Nested(UnitTally), required=True)
    items = fields.List(fields.Nested(BatchItem), required=True)


class CampaignOut(Answer):
    id = Int(required=True)
    name = fields.String(required=True)
    from_ = fields.Date(data_key="from", required=True)
    to = fields.Date(required=True)
    zone_codes = fields.List(fields.String(), required=True)
    point_codes = fields.List(fields.String(), required=True)
    category_codes = fields.List(fields.String(), required=True)


class Tally(Answer):
    """Closing and on-time rates are fractions, null when nothing was found."""

    found = Int(required=True)
    closed = Int(required=True)
    closed_on_time = Int(required=True)
    open = Int(required=True)
    overdue_open = Int(required=True)
    recurrences = Int(required=True)
    closing_rate = fields.Float(required=True, allow_none=True)
    on_time_rate = fields.Float(required=True, allow_none=True)


class CampaignUnit(Tally):
    unit_code = fields.String(required=True, allow_none=True)
    unit_name = fields.String(required=True, allow_none=True)


class AfterCampaign(Answer):
    found = Int(required=True)
    recurrences = Int(required=True)


class CampaignReport(CampaignOut, Tally):
    by_unit = fields.List(fields.Nested(CampaignUnit), required=True)
    after = fields.Nested(AfterCampaign, required=True)
    case_ids = fields.List(Int(), required=True)
