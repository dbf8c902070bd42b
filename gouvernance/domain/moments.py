"""Moments as a person reads them: in the organisation's time zone, never in UTC.

Storage keeps every moment in UTC (an instant, comparable across servers); whatever prints a
moment for a person — minutes, audit log, receipts, the live screen — turns it into the
organisation's wall-clock time first: a vote cast at 23:30 in Paris on 14 November is not
« le 14/11 à 22:30 UTC » for the chair who reads the minutes, nor « le 15/11 » in Nouméa.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "Europe/Paris"


@cache
def zone(name: str | None) -> ZoneInfo:
    """The IANA zone called ``name`` (Europe/Paris when none is given)."""
    return ZoneInfo(name or DEFAULT_TIME_ZONE)


def local(moment: datetime, time_zone: str | None = None) -> datetime:
    """``moment`` on the organisation's clock; a naive moment was stored in UTC (SQLite)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone(time_zone))


def format_moment(moment: datetime, time_zone: str | None = None, *, seconds: bool = False) -> str:
    """« 14/11/2026 à 23:30 », on the organisation's clock."""
    shown = local(moment, time_zone)
    return f"{shown:%d/%m/%Y à %H:%M:%S}" if seconds else f"{shown:%d/%m/%Y à %H:%M}"


def today_in(time_zone: str | None = None) -> date:
    """The calendar day it is now where the organisation is."""
    return datetime.now(zone(time_zone)).date()
