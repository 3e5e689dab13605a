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
