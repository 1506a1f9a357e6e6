"""The indicator formulas of domain.md ("Indicators"), pure: counts in, rates, score, ranks out.

Every formula is written out with a worked example in the README ("督查考核指标").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Rates where a higher value is better, and those where a lower one is: the score adds
# `rate` for the first kind and `1 - rate` for the second.
# satisfaction_rate (满意率) has no weight unless configured: adding it must not move old ranks.
HIGHER_IS_BETTER = ("on_time_rate", "closing_rate", "satisfaction_rate")
LOWER_IS_BETTER = ("rework_rate", "extension_rate", "return_rate")
RATE_NAMES = HIGHER_IS_BETTER + LOWER_IS_BETTER
PENALTIES = ("escalated", "recurrences", "overdue_open")  # points off per counted case


def rate(numerator: int, denominator: int) -> float | None:
    """A fraction from 0 to 1; None ("—") when nothing was due, never 0 % or 100 %."""
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Weights:
    """Points per rate (RATE_NAMES) and points off per counted case (PENALTIES)."""

    rates: Mapping[str, float]
    penalties: Mapping[str, float]

    @classmethod
    def parse(cls, text: str) -> Weights:
        """`on_time_rate=50,closing_rate=30,rework_rate=20,escalated=1` (the setting's format)."""
        rates: dict[str, float] = {}
        penalties: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, sep, value = part.partition("=")
            name = name.strip()
            try:
                number = float(value)
            except ValueError:
                number = -1.0
            if not sep or number < 0 or name not in RATE_NAMES + PENALTIES:
                raise ValueError(
                    f"SUPERVISION_WEIGHTS 无效: {part!r};可用 {', '.join(RATE_NAMES + PENALTIES)}"
                    f" / invalid weight {part!r}"
                )
            (rates if name in RATE_NAMES else penalties)[name] = number
        if not any(rates.values()):
            raise ValueError("SUPERVISION_WEIGHTS 至少要有一个比率权重 / need one rate weight")
        return cls(rates, penalties)

    def json(self) -> dict[str, Any]:
        return {"rates": dict(self.rates), "penalties_per_case": dict(self.penalties)}


def score(rates: Mapping[str, float | None], counts: Mapping[str, int], w: Weights) -> float | None:
    """综合指标值 0-100: the weighted mean of the rates that exist, scaled to 100, less penalties.

    score = 100 * sum(w_r * g_r) / sum(w_r)  over rates r that are not None,
            g_r = rate for on-time/closing rates, 1 - rate for rework/extension/return rates;
    then minus sum(p_k * count_k) for the penalties, floored at 0. None when no rate exists.
    """
    total = points = 0.0
    for name, weight in w.rates.items():
        value = rates.get(name)
        if value is None or not weight:
            continue
        good = value if name in HIGHER_IS_BETTER else 1 - value
        points += weight * good
        total += weight
    if not total:
        return None
    result = 100 * points / total
    result -= sum(p * counts.get(name, 0) for name, p in w.penalties.items())
    return round(max(result, 0.0), 2)


def rank(items: Sequence[dict[str, Any]], minimum: int) -> None:
    """Set `rank` on each item in place: by score, ties share a rank ("1, 1, 3").

    Items with fewer than `minimum` due cases, or without a score, are listed with rank None:
    one fast case must not top the table.
    """
    ranked = [i for i in items if i["score"] is not None and i["due"] >= minimum]
    ranked.sort(key=lambda i: -i["score"])
    previous, position = None, 0
    for index, item in enumerate(ranked, start=1):
        if item["score"] != previous:
            position, previous = index, item["score"]
        item["rank"] = position
    for item in items:
        item.setdefault("rank", None)


def order(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Ranked first by rank, then the unranked by score (best first), then by `key`."""
    return sorted(
        items,
        key=lambda i: (
            i["rank"] is None,
            i["rank"] or 0,
            -(i["score"] if i["score"] is not None else -1),
            str(i[key]),
        ),
    )
