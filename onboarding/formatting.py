"""How values read in French: dates ("12 mars 2026", "12/03/2026"), times, hours ("3 h 30"),
yes or no, counted nouns ("1 place", "2 places"), half-days and needs; Jinja filters too."""

from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import Flask

from onboarding.pathway.clock import day_in_words, month_in_words
from onboarding.pathway.schedule import HALF_DAY_LABELS, NEED_LABELS, half_day_names, need_names

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
PARIS = ZoneInfo("Europe/Paris")


def _as_local(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(PARIS)
    return value


def long_date(value: date | datetime | None) -> str:
    """12 mars 2026 (1er for the first of the month)."""
    if value is None:
        return ""
    if type(value) is date:
        return _day_in_words(value)
    return day_in_words(_as_local(value).date())


@lru_cache(maxsize=4096)
def _day_in_words(value: date) -> str:
    """A page writes the same few days many times (places' starts, confirmations): each once."""
    return day_in_words(value)


def weekday_date(value: date | None) -> str:
    """jeudi 12 mars 2026"""
    if value is None:
        return ""
    return f"{WEEKDAYS[value.weekday()]} {long_date(value)}"


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{_as_local(value):%d/%m/%Y}"


def date_time(value: datetime | None) -> str:
    """12/03/2026 à 14 h 05, Paris time."""
    if value is None:
        return ""
    local = _as_local(value)
    return f"{local:%d/%m/%Y} à {local.hour} h {local.minute:02d}"


def clock(value: time | None) -> str:
    """9 h 30, 14 h"""
    if value is None:
        return ""
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def hours(value: Decimal | float | int | None) -> str:
    """3,5 h"""
    if value is None:
        return ""
    text = f"{Decimal(str(value)).normalize():f}"
    return f"{text.replace('.', ',')} h"


def month_year(month: str | None) -> str:
    """ "2026-03" (a cohort) → "mars 2026"; anything else as it is."""
    if not month:
        return ""
    return month_in_words(month)


def duration(value: Decimal | float | int | None) -> str:
    """3 h 30, 80 h, 0 h 45: a number of hours as a clock reads (the panel's hours)."""
    if value is None:
        return ""
    minutes = int((Decimal(str(value)) * 60).to_integral_value())
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest:02d}" if rest else f"{whole} h"


def decimal_number(value: Decimal | float | int | None) -> str:
    """1,5: a decimal comma, no trailing zeros (spreadsheet cells)."""
    if value is None:
        return ""
    return f"{Decimal(str(value)).normalize():f}".replace(".", ",")


def thousands(number: int) -> str:
    """1 000, 29 056: thousands set apart by a narrow no-break space, as French writes them."""
    return f"{number:,}".replace(",", "\u202f")


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return "Oui" if value else "Non"


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """1 place, 2 places, 0 place (French counts 0 and 1 in the singular)."""
    word = singular if abs(number) < 2 else (plural or f"{singular}s")
    return f"{number} {word}"


def half_days_text(mask: int | None) -> str:
    """Lundi matin, Lundi après-midi… from the 14-bit weekly grid; "Aucune" when empty."""
    names = half_day_names(mask or 0)
    return ", ".join(HALF_DAY_LABELS[name] for name in names) if names else "Aucune"


def needs_text(mask: int | None) -> str:
    """Avant 7 h, La nuit… from the needs bitmask; "Aucun" when empty."""
    names = need_names(mask or 0)
    return ", ".join(NEED_LABELS[name] for name in names) if names else "Aucun"


FILTERS = {
    "thousands": thousands,
    "long_date": long_date,
    "weekday_date": weekday_date,
    "short_date": short_date,
    "date_time": date_time,
    "clock": clock,
    "hours": hours,
    "duration": duration,
    "yes_no": yes_no,
    "counted": counted,
    "month_year": month_year,
    "decimal_number": decimal_number,
}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
