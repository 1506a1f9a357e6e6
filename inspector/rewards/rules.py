"""The reward rules as pure functions: who earns, how many points, the cap, the place slot,
the ranking of the monthly leaderboard, and the words each ledger line says. No database.

Why each rule exists (有奖举报 paid per tip invites gaming):
  - points only for a filed (立案) case: a rejected, merged, voided tip earned nothing;
  - one paid tip per place x category x China-time day: ten people photographing one pile of
    litter are paid once (a place is `radius_m` around the paid tip, any grid: a pile on a grid
    boundary is still one pile);
  - a monthly cap per person: a professional "reporter" cannot farm the budget;
  - a photo matching an earlier photo (same bytes or pHash, as `photo_reused`) earns nothing;
  - the first reporter of a problem gets a bonus; later reports linked to it do not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from geopy.distance import geodesic

from ..access.roles import RESIDENT, VOLUNTEER
from ..timeutil import CHINA, as_utc

# Residents and volunteers earn; staff and grid workers report as part of their job (a grid
# worker paid per report would be paid twice, and would be tempted to "find" problems).
EARNING_ROLES = (RESIDENT, VOLUNTEER)

EARNED = ("filed", "first_reporter_bonus")
REVERSALS = {"merge": "reversed_merged", "void": "reversed_void", "reject": "reversed_rejected"}
ENDINGS = {"merge": "denied_merged", "void": "denied_void", "reject": "denied_rejected"}

# code -> the zh-CN sentence of the ledger line; fields come from the line's detail.
REASONS: dict[str, str] = {
    "filed": "举报已立案(案件 {number}),奖励 {points} 分",
    "first_reporter_bonus": "首报奖励:您最先举报了这个问题(案件 {number}),加 {points} 分",
    "denied_same_place_day": (
        "同一地点({radius_m} 米内)同类问题当天已奖励过一次(案件 {other_number}),本次不计分"
    ),
    "denied_cap": "本月积分已达上限 {cap} 分,本次 {denied} 分不计",
    "denied_reused_photo": "照片与此前的照片相同(案件 {other_number}),本次不计分",
    "denied_duplicate": "同一问题已有更早的举报(案件 {number}),本次不计分",
    "denied_rejected": "举报未予立案(案件 {number}):{note},不计分",
    "denied_merged": "举报与案件 {into_number} 重复,已合并,不计分",
    "denied_void": "案件 {number} 已作废:{note},不计分",
    "reversed_merged": "案件 {number} 与案件 {into_number} 重复,已合并,收回奖励 {points} 分",
    "reversed_void": "案件 {number} 已作废,收回奖励 {points} 分",
    "reversed_rejected": "案件 {number} 改为不予立案,收回奖励 {points} 分",
}
CODES = tuple(REASONS)

# Appended to a `filed` line when it was trimmed to the cap, or earned no first-reporter bonus.
TRIMMED = "(本月上限 {cap} 分,原应得 {full} 分)"
LINKED = "(此前已有同一问题的案件 {earlier_number},无首报奖励)"


def reason(code: str, detail: dict[str, Any]) -> str:
    """The person's sentence for a line (zh-CN); `points` is shown without its sign."""
    values = {**detail, "points": abs(int(detail.get("points", 0)))}
    values.setdefault("note", "无说明")
    text = REASONS[code].format(**values)
    if code == "filed" and detail.get("trimmed_from"):
        text += TRIMMED.format(cap=detail["cap"], full=detail["trimmed_from"])
    if code == "filed" and detail.get("earlier_number"):
        text += LINKED.format(earlier_number=detail["earlier_number"])
    return text


class RewardConfigError(ValueError):
    """A reward setting written wrongly: the app refuses to start (like the supervision weights)."""


@dataclass(frozen=True)
class RewardSettings:
    """INSPECTOR_REWARD_*: points per tip (flat, per family, per category code), the first-
    reporter bonus, the monthly cap per person and the radius of "the same place"."""

    default_points: int = 10
    by_key: dict[str, int] = field(default_factory=dict)  # "event" / "component" / "0601"
    first_bonus: int = 5
    monthly_cap: int = 200
    radius_m: float = 50.0

    @classmethod
    def parse(cls, points: str, bonus: int, cap: int, radius_m: float) -> RewardSettings:
        """`points`: "10" (flat) or "default=10,component=15,0601=20" (family, then code wins)."""
        default, by_key = 10, {}
        for part in (p.strip() for p in str(points or "").split(",")):
            if not part:
                continue
            key, sep, value = part.partition("=")
            try:
                number = int(value if sep else key)
            except ValueError as exc:
                raise RewardConfigError(f"INSPECTOR_REWARD_POINTS: bad entry {part!r}") from exc
            if number < 0:
                raise RewardConfigError(f"INSPECTOR_REWARD_POINTS: negative points in {part!r}")
            if not sep or key.strip() == "default":
                default = number
            else:
                by_key[key.strip()] = number
        if int(bonus) < 0 or int(cap) < 0 or float(radius_m) < 0:
            raise RewardConfigError(
                "INSPECTOR_REWARD_FIRST_BONUS/MONTHLY_CAP/RADIUS_M must be >= 0"
            )
        return cls(default, by_key, int(bonus), int(cap), float(radius_m))

    def points_for(self, family: str | None, code: str | None) -> int:
        """The category code's own figure, else its family's, else the flat default."""
        for key in (code, family):
            if key and key in self.by_key:
                return self.by_key[key]
        return self.default_points


def earns(role: str | None) -> bool:
    return role in EARNING_ROLES


def china_day(at: datetime) -> date:
    return as_utc(at).astimezone(CHINA).date()


def china_month(at: datetime) -> str:
    return as_utc(at).astimezone(CHINA).strftime("%Y-%m")


def same_place(a: tuple[float, float], b: tuple[float, float], radius_m: float) -> bool:
    """Within `radius_m` metres (geodesic, WGS-84), boundary included."""
    return geodesic(a, b).meters <= radius_m


def under_cap(
    wanted: Sequence[tuple[str, int]], month_points: int, cap: int
) -> tuple[list[tuple[str, int, int]], int]:
    """Grant the wanted lines in order while the month's points stay within the cap.

    Returns ([(code, granted, full)], denied points): a line that fits only partly is trimmed to
    what is left (so the month ends exactly at the cap), the rest is denied."""
    room = max(cap - month_points, 0)
    granted, denied = [], 0
    for code, full in wanted:
        give = min(full, room)
        room -= give
        denied += full - give
        if give > 0:
            granted.append((code, give, full))
    return granted, denied


@dataclass(frozen=True)
class Standing:
    """One person's month for the leaderboard."""

    account_id: int
    points: int
    tips: int  # filed tips that paid this month
    reached_at: datetime  # when the last line of the month was written


def ranked(rows: Iterable[Standing]) -> list[tuple[int, Standing]]:
    """Most points first; equal points share a rank (1, 2, 2, 4) and are listed by who got
    there first, then by account id. People at 0 or below are not on the board."""
    ordered = sorted(
        (r for r in rows if r.points > 0),
        key=lambda r: (-r.points, as_utc(r.reached_at), r.account_id),
    )
    out: list[tuple[int, Standing]] = []
    for index, row in enumerate(ordered):
        rank = out[-1][0] if out and out[-1][1].points == row.points else index + 1
        out.append((rank, row))
    return out
