"""When a plan's patrols fall due: its slots. Pure: a plan's rule and a working-day test in.

A slot is a run of China calendar days on which one check-in is owed: one day (every day, or
the chosen weekday of every ISO week), or the plan's part of an ISO week (weekly without a
weekday: any day Monday to Sunday will do). Patrols in a campaign run every day, so calendar
days are the default; a plan with `working_days_only` has no slot on a day off (a whole-week
slot only disappears when none of its days is a working day).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

from ..timeutil import CHINA, as_utc

ONE_DAY = timedelta(days=1)


class Rule(Protocol):
    every: str  # day | week
    weekday: int | None  # ISO 1..7 for `week`; None: once per ISO week
    start_date: date
    end_date: date | None
    working_days_only: bool


@dataclass(frozen=True, order=True)
class Slot:
    first: date  # the key of the slot (PatrolCheckIn.slot_date, PatrolMiss.slot_date)
    last: date  # inclusive

    @property
    def starts_at(self) -> datetime:
        return china_midnight(self.first)

    @property
    def ends_at(self) -> datetime:
        return china_midnight(self.last + ONE_DAY)

    def days(self) -> Iterator[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += ONE_DAY


def china_midnight(day: date) -> datetime:
    """00:00 of `day` in China, as aware UTC (how times are compared and stored)."""
    return as_utc(datetime.combine(day, time(), tzinfo=CHINA))


def china_day(moment: datetime) -> date:
    return as_utc(moment).astimezone(CHINA).date()


def slots(rule: Rule, first: date, last: date, is_workday: Callable[[date], bool]) -> list[Slot]:
    """The plan's slots that share at least one day with [first, last] (inclusive), in order."""
    first = max(first, rule.start_date)
    if rule.end_date is not None:
        last = min(last, rule.end_date)
    found: list[Slot] = []
    if first > last:
        return found
    if rule.every == "week" and rule.weekday is None:
        monday = first - timedelta(days=first.isoweekday() - 1)
        while monday <= last:
            slot = _clip(Slot(monday, monday + timedelta(days=6)), rule)
            if slot is not None and (
                not rule.working_days_only or any(is_workday(d) for d in slot.days())
            ):
                found.append(slot)
            monday += timedelta(days=7)
        return found
    day = first
    while day <= last:
        if (rule.every == "day" or day.isoweekday() == rule.weekday) and (
            not rule.working_days_only or is_workday(day)
        ):
            found.append(Slot(day, day))
        day += ONE_DAY
    return found


def _clip(slot: Slot, rule: Rule) -> Slot | None:
    """The part of a week inside the plan's period (a plan starting on Wednesday owes one patrol
    in its first, shorter week)."""
    first = max(slot.first, rule.start_date)
    last = slot.last if rule.end_date is None else min(slot.last, rule.end_date)
    return Slot(first, last) if first <= last else None


def slot_on(rule: Rule, day: date, is_workday: Callable[[date], bool]) -> Slot | None:
    """The slot that `day` belongs to, if a patrol is owed that day."""
    found = slots(rule, day, day, is_workday)
    return found[0] if found else None
