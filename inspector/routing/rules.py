"""The routing decision as a pure function: point owner > most specific rule > category > grid.

The Decision explains itself: `detail` (plain JSON) and `reason_zh` are meant to be stored as the
dispatch event's data in the case timeline, so a dispatcher sees which rule chose the unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LEVEL_ZH = {"grid": "网格", "community": "社区", "subdistrict": "街道", "district": "区"}
BASES = ("point", "rule", "category_default", "grid_unit", "none")


@dataclass(frozen=True)
class Decision:
    unit_id: int | None
    basis: str  # one of BASES
    detail: dict[str, Any]  # what matched: point/rule/zone/category codes, unit code and name

    @property
    def unit_code(self) -> str | None:
        return self.detail.get("unit_code")

    @property
    def reason_zh(self) -> str:
        """One sentence for the timeline: which step of the routing order matched and why."""
        d = self.detail
        unit = d.get("unit_name") or d.get("unit_code") or "?"
        category = f"类别 {d.get('category_code', '')}{d.get('category_name', '')}".strip()
        if self.basis == "point":
            return (
                f"位于测评点位「{d.get('point_name', '')}」({d['point_code']}),"
                f"由点位责任单位{unit}处置"
            )
        if self.basis == "rule":
            where = f"{LEVEL_ZH.get(d.get('zone_level', ''), '')}{d.get('zone_name', '')}"
            return f"分派规则 #{d['rule_id']}:{category}在{where}({d['zone_code']})由{unit}处置"
        if self.basis == "category_default":
            return f"无点位、无区域规则,按{category}的默认责任单位{unit}处置"
        if self.basis == "grid_unit":
            return (
                f"无点位、无区域规则,{category}无默认单位,"
                f"由{LEVEL_ZH.get(d.get('zone_level', ''), '网格')}"
                f"{d.get('zone_name', '')}({d['zone_code']})的责任单位{unit}处置"
            )
        return f"{category}在此位置无点位、规则、默认单位或网格单位可用,需人工指定责任单位"

    def as_json(self) -> dict[str, Any]:
        """Ready to store as event data: basis, reason and every matched code."""
        return {
            "unit_id": self.unit_id,
            "basis": self.basis,
            "reason_zh": self.reason_zh,
            **self.detail,
        }


def decide(
    point: dict[str, Any] | None,
    rules_by_zone: dict[int, dict[str, Any]],
    zone_chain: list[dict[str, Any]],
    category_default: dict[str, Any] | None,
) -> Decision:
    """zone_chain is most specific first (grid ... district); rules_by_zone maps zone id -> rule.

    point: {"unit_id", "code", "name"} of the evaluation point holding the place, if any;
    category_default: {"unit_id", "code"} when the category has a default unit.
    """
    if point is not None:
        return Decision(
            point["unit_id"],
            "point",
            {"point_code": point["code"], "point_name": point.get("name")},
        )
    for zone in zone_chain:
        rule = rules_by_zone.get(zone["id"])
        if rule is not None:
            return Decision(rule["unit_id"], "rule", {"rule_id": rule["id"], **_zone(zone)})
    if category_default is not None:
        return Decision(category_default["unit_id"], "category_default", {})
    for zone in zone_chain:
        if zone.get("unit_id"):
            return Decision(zone["unit_id"], "grid_unit", _zone(zone))
    return Decision(None, "none", {})


def _zone(zone: dict[str, Any]) -> dict[str, Any]:
    return {
        "zone_code": zone["code"],
        "zone_name": zone.get("name"),
        "zone_level": zone.get("level"),
    }
