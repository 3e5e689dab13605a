"""Today's date where the programme runs: Europe/Paris, whatever the server's zone.

Tests freeze it to a known day, so that what the screens compute matches their data.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
_frozen: date | None = None


def today() -> date:
    return _frozen or datetime.now(PARIS).date()


@contextmanager
def frozen(day: date) -> Iterator[None]:
    global _frozen
    previous, _frozen = _frozen, day
    try:
        yield
    finally:
        _frozen = previous
