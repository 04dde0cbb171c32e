"""Time: stored in UTC, shown in the user's zone (Asia/Shanghai by default).

Platforms send naive local times ("2026-11-11 00:00:01" meaning +08:00), ISO strings with
offsets, or UNIX seconds; everything is made timezone-aware UTC at the edge.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from .errors import DomainError, ErrorCode

CHINA = timezone(timedelta(hours=8), "CST")
DEFAULT_ZONE = "Asia/Shanghai"


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime, naive_zone: timezone | ZoneInfo = CHINA) -> datetime:
    """Make *value* aware UTC; a naive value is read in *naive_zone* (platform local time)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=naive_zone)
    return value.astimezone(UTC)


def parse_platform_time(value: str | int | float | datetime | None,
                        naive_zone: timezone | ZoneInfo = CHINA) -> datetime | None:
    """Parse a platform timestamp into aware UTC.

    Accepts ``YYYY-MM-DD HH:MM:SS`` (naive, in *naive_zone*), ISO 8601 with or without an
    offset or ``Z``, and UNIX seconds (int, float or digit string; milliseconds when larger
    than 10^11). Empty values give None; anything else raises ``INVALID_TIME``.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return as_utc(value, naive_zone)
    if isinstance(value, bool):
        raise DomainError(ErrorCode.INVALID_TIME, value=repr(value))
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        seconds = float(value)
        if seconds > 1e11:
            seconds /= 1000.0
        return datetime.fromtimestamp(seconds, UTC)
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise DomainError(ErrorCode.INVALID_TIME, value=value) from exc
    return as_utc(parsed, naive_zone)


def to_zone(value: datetime, zone: str = DEFAULT_ZONE) -> datetime:
    """Aware UTC → the display zone."""
    return as_utc(value).astimezone(ZoneInfo(zone))


def format_local(value: datetime | None, zone: str = DEFAULT_ZONE) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in the display zone, as Chinese sellers read times."""
    if value is None:
        return ""
    return to_zone(value, zone).strftime("%Y-%m-%d %H:%M:%S")


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset (UTC), for JSON output."""
    return None if value is None else as_utc(value).isoformat()
