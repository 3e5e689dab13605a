"""Today's date and the current moment where the programme runs: Europe/Paris, whatever the
server's zone.

Tests freeze them to a known day (or moment), so that what the screens compute, and when the
messages fall due, match their data.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
_frozen: date | None = None
_frozen_moment: datetime | None = None


def today() -> date:
    return _frozen or datetime.now(PARIS).date()


def now() -> datetime:
    """The current moment (UTC, aware); noon in Paris on a frozen day, or the frozen moment."""
    if _frozen_moment is not None:
        return _frozen_moment.astimezone(UTC)
    if _frozen is not None:
        return datetime.combine(_frozen, time(12, 0), tzinfo=PARIS).astimezone(UTC)
    return datetime.now(UTC)


@contextmanager
def frozen(day: date) -> Iterator[None]:
    global _frozen
    previous, _frozen = _frozen, day
    try:
        yield
    finally:
        _frozen = previous


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Freeze the moment (aware) and its day in Paris."""
    global _frozen, _frozen_moment
    previous = _frozen, _frozen_moment
    _frozen, _frozen_moment = moment.astimezone(PARIS).date(), moment
    try:
        yield
    finally:
        _frozen, _frozen_moment = previous


# Dates in words, as the programme writes them in its texts, pages and files.
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def day_in_words(value: date) -> str:
    """12 mars 2026 (1er for the first of the month)."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def month_in_words(month: str) -> str:
    """ "2026-03" (a cohort, a month of the indicators) → "mars 2026"; anything else as it is."""
    year, _, number = month.partition("-")
    if not (year.isascii() and year.isdecimal() and number.isascii() and number.isdecimal()):
        return month
    if not 1 <= int(number) <= 12:
        return month
    return f"{MONTHS[int(number) - 1]} {year}"
