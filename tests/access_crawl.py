"""Crawl every GET endpoint an actor can reach and look for planted phone numbers.

Reusable: `crawl(client, headers, start_urls)` follows every `/api/v1/...` URL and `next_cursor`
found in JSON answers; `PHONE_PLANTS` lists (planter, phone, actors allowed to see it). The
integrator adds plants for reports (a resident's phone: only dispatchers, admins and the grid
worker of that grid) and the crawl proves no other actor's answers ever carry it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import select

from inspector.access.models import Account
from inspector.extensions import db

from .access_matrix import ROWS, World

MAX_PAGES = 400


def phone_pattern(phone: str) -> re.Pattern[str]:
    """The digits in order, allowing spaces, dashes or a +86 between them (138 0013 8000)."""
    return re.compile(r"[\s\-]?".join(re.escape(d) for d in phone))


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _with_cursor(url: str, cursor: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["cursor"] = cursor
    return urlunsplit(parts._replace(query=urlencode(query)))


def start_urls(world: World) -> list[str]:
    """Every GET row of the access matrix, so a new GET endpoint is crawled as soon as it has a row."""
    return [row.url(world) for row in ROWS if row.method == "GET"]


def crawl(client, headers: dict[str, str], start: list[str]) -> dict[str, str]:
    """GET breadth-first from `start`; returns url -> body text of every answer fetched."""
    pages: dict[str, str] = {}
    queue = list(start)
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in pages:
            continue
        response = client.get(url, headers=headers)
        if not response.is_json:  # photos: binary, and no phone numbers inside
            pages[url] = ""
            continue
        pages[url] = response.get_data(as_text=True)
        body = response.get_json()
        if isinstance(body, dict) and body.get("next_cursor"):
            queue.append(_with_cursor(url, body["next_cursor"]))
        queue.extend(s for s in _strings(body) if s.startswith("/api/v1/") and s not in pages)
    return pages


def pages_with(pages: dict[str, str], phone: str) -> list[str]:
    pattern = phone_pattern(phone)
    return sorted(url for url, text in pages.items() if pattern.search(text))


@dataclass(frozen=True)
class PhonePlant:
    phone: str
    allowed: frozenset[str]  # actors who may see it somewhere
    plant: Callable[[World, str], None]


def _account_phone(username: str) -> Callable[[World, str], None]:
    def plant(world: World, phone: str) -> None:
        account = db.session.scalar(select(Account).where(Account.username == username))
        account.phone = phone

    return plant


def _report_phone(world_key: str) -> Callable[[World, str], None]:
    def plant(world: World, phone: str) -> None:
        from inspector.reports.models import Report

        if world_key == "token":
            from inspector.reports.service import report_by_token

            report = report_by_token(world.values["token"])
        else:
            report = db.session.get(Report, world.values[world_key])
        report.phone = phone

    return plant


# Who may call a reporter back: admins, dispatchers who see the case, the grid worker of its grid.
_REPORT_PHONE_SEEN = frozenset({"admin", "dispatcher", "gridworker"})

PHONE_PLANTS: list[PhonePlant] = [
    # A resident's tip (dispatched to zfj): not for the unit, supervisors, other residents.
    PhonePlant("13700137000", _REPORT_PHONE_SEEN, _report_phone("report_id")),
    # An anonymous tip, followed by tracking token: the token holder does not get it back either.
    PhonePlant("13600136000", _REPORT_PHONE_SEEN, _report_phone("token")),
    # A resident's own account: admins manage accounts, he sees himself in /me.
    PhonePlant(
        "13800138000", frozenset({"admin", "resident_other"}), _account_phone("resident_other")
    ),
    # A staff member's number is not for other staff either.
    PhonePlant("13900139111", frozenset({"admin", "unitstaff"}), _account_phone("unitstaff")),
]
