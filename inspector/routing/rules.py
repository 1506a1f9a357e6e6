"""The routing decision as a pure function: point owner > most specific rule > category > grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Decision:
    unit_id: int | None
    basis: str  # point | rule | category_default | grid_unit | none
    detail: dict[str, Any]

    @property
    def reason_zh(self) -> str:
        return {
            "point": "测评点位责任单位",
            "rule": "分派规则",
            "category_default": "类别默认责任单位",
            "grid_unit": "网格责任单位",
            "none": "无匹配规则,需人工指定",
        }[self.basis]


def decide(
    point: dict[str, Any] | None,
    rules_by_zone: dict[int, dict[str, Any]],
    zone_chain: list[dict[str, Any]],
    category_default: dict[str, Any] | None,
) -> Decision:
    """zone_chain is most specific first (grid ... district); rules_by_zone maps zone id -> rule."""
    if point is not None:
        return Decision(point["unit_id"], "point", {"point_code": point["code"]})
    for zone in zone_chain:
        rule = rules_by_zone.get(zone["id"])
        if rule is not None:
            return Decision(
                rule["unit_id"], "rule", {"rule_id": rule["id"], "zone_code": zone["code"]}
            )
    if category_default is not None:
        return Decision(
            category_default["unit_id"],
            "category_default",
            {"category_code": category_default["code"]},
        )
    for zone in zone_chain:
        if zone.get("unit_id"):
            return Decision(zone["unit_id"], "grid_unit", {"zone_code": zone["code"]})
    return Decision(None, "none", {})
