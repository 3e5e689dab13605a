"""How dates, times and hours read in French, as Jinja filters ("12 mars 2026", "12/03/2026")."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
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
    value = _as_local(value)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


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


FILTERS = {
    "long_date": long_date,
    "weekday_date": weekday_date,
    "short_date": short_date,
    "date_time": date_time,
    "clock": clock,
    "hours": hours,
}


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(FILTERS)
