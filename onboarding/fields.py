"""The one date, time, date-time and hours input of the app (panel and candidate space): plain
text typed the French way, read by the server alone, never reinterpreted.

A date is JJ/MM/AAAA (1/12/2026 too) or AAAA-MM-JJ; anything else (12/31/2026, 31/02/2026,
"demain", a two-digit year) is refused with a French message that says the format. A time is
HH:MM (7h30 and 7 h 30 too). A number of hours is written with a decimal comma (3,5; a point is
read too), at most two decimals; "NaN", "Infinity", "1e3" or a negative number are refused.

The input is a text box with its format written beside it, not the browser's date picker: that
one shows the date in the order of the browser's language (mm/dd/yyyy in an English browser), so
the same keystrokes would mean another day.
"""

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from markupsafe import Markup
from wtforms import Field
from wtforms.widgets import TextInput

from onboarding.formatting import decimal_number

DATE_HINT = "Format attendu : JJ/MM/AAAA"
TIME_HINT = "Format attendu : HH:MM"
DATE_TIME_HINT = "Format attendu : JJ/MM/AAAA HH:MM"
DATE_MESSAGE = "Date invalide : utilisez le format JJ/MM/AAAA (ex. 01/12/2026)."
TIME_MESSAGE = "Heure invalide : utilisez le format HH:MM (ex. 07:30)."
DATE_TIME_MESSAGE = "Date et heure invalides : utilisez le format JJ/MM/AAAA HH:MM."
YEAR_MESSAGE = "Date invalide : l'année va de {} à {} (format JJ/MM/AAAA)."
HOURS_HINT = "En heures, par exemple 7 ou 3,5"
HOURS_MESSAGE = "Nombre d'heures invalide : écrivez par exemple 7 ou 3,5."

# Years a person may mean in this app; beyond them a typing slip is more likely than a date.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
PARIS = ZoneInfo("Europe/Paris")

_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{1,2})\s*(?::|h|H)\s*(\d{2})?")
_HOURS = re.compile(r"([0-9]{1,4})(?:[,.]([0-9]{1,2}))?(?:\s*h)?", re.IGNORECASE)


def parse_date(text: str) -> date:
    """JJ/MM/AAAA or AAAA-MM-JJ to a date; ValueError with a French message otherwise."""
    text = (text or "").strip()
    if match := _FRENCH_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError(DATE_MESSAGE)
    try:
        value = date(year, month, day)
    except ValueError:
        raise ValueError(DATE_MESSAGE) from None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(YEAR_MESSAGE.format(EARLIEST_YEAR, LATEST_YEAR))
    return value


def parse_time(text: str) -> time:
    """HH:MM (or 7h30, 7 h 30, 7h) to a time; ValueError with a French message otherwise."""
    match = _TIME.fullmatch((text or "").strip())
    if not match:
        raise ValueError(TIME_MESSAGE)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(TIME_MESSAGE)
    return time(hour, minute)


def parse_hours(text: str) -> Decimal:
    """7, 3,5, 3.5 or 3,5 h to a number of hours; ValueError with a French message otherwise."""
    match = _HOURS.fullmatch((text or "").strip())
    if not match:
        raise ValueError(HOURS_MESSAGE)
    return Decimal(f"{match.group(1)}.{match.group(2) or 0}")


def parse_date_time(text: str) -> datetime:
    """JJ/MM/AAAA HH:MM in Paris time to an aware UTC datetime; ValueError otherwise."""
    day, _, clock = (text or "").strip().replace("T", " ").partition(" ")
    if not clock.strip():
        raise ValueError(DATE_TIME_MESSAGE)
    try:
        local = datetime.combine(parse_date(day), parse_time(clock), tzinfo=PARIS)
    except ValueError:
        raise ValueError(DATE_TIME_MESSAGE) from None
    return local.astimezone(UTC)


def parse_range(text: str, parse) -> list:
    """ "01/12/2026 au 31/12/2026" to [first, last] with `parse` for each end, in order."""
    ends = re.split(r"\s+(?:au|to)\s+", (text or "").strip())
    if len(ends) != 2:
        raise ValueError("Indiquez deux bornes séparées par « au ».")
    first, last = parse(ends[0]), parse(ends[1])
    if first > last:
        raise ValueError("La première borne doit précéder la seconde.")
    return [first, last]


def format_date(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def format_time(value: time | None) -> str:
    return f"{value:%H:%M}" if value is not None else ""


def format_date_time(value: datetime | None) -> str:
    """JJ/MM/AAAA HH:MM in Paris time."""
    if value is None:
        return ""
    local = value.astimezone(PARIS) if value.tzinfo else value
    return f"{format_date(local.date())} {format_time(local.time())}"


class FormatHintInput(TextInput):
    """A text box followed by the format it expects, tied to it for screen readers."""

    def __init__(self, hint: str):
        super().__init__()
        self.hint = hint

    def __call__(self, field, **kwargs):
        hint_id = f"{kwargs.get('id', field.id)}-format"
        described = " ".join(filter(None, (kwargs.pop("aria-describedby", ""), hint_id)))
        kwargs["aria-describedby"] = described
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("spellcheck", "false")
        return Markup('{}<small id="{}" class="form-text text-muted">{}</small>').format(
            super().__call__(field, **kwargs), hint_id, self.hint
        )


class _TypedField(Field):
    """Shows what was typed when it was refused, else the stored value in French."""

    hint = ""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("widget", FormatHintInput(self.hint))
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.format(self.data) if self.data is not None else ""

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = self.parse(text)
        except ValueError:
            self.data = None
            raise

    # Subclasses: parse(text) -> value (ValueError with a French message), format(value) -> str.
    def parse(self, text: str):
        raise NotImplementedError

    def format(self, value) -> str:
        raise NotImplementedError


class FrenchDateField(_TypedField):
    """A date typed JJ/MM/AAAA (or AAAA-MM-JJ); empty is None (add InputRequired to forbid)."""

    hint = DATE_HINT

    def parse(self, text: str) -> date:
        return parse_date(text)

    def format(self, value: date) -> str:
        return format_date(value)


class FrenchTimeField(_TypedField):
    """A time typed HH:MM."""

    hint = TIME_HINT

    def parse(self, text: str) -> time:
        return parse_time(text)

    def format(self, value: time) -> str:
        return format_time(value)


class FrenchDateTimeField(_TypedField):
    """A moment typed JJ/MM/AAAA HH:MM in Paris time, kept as an aware UTC datetime."""

    hint = DATE_TIME_HINT

    def parse(self, text: str) -> datetime:
        return parse_date_time(text)

    def format(self, value: datetime) -> str:
        return format_date_time(value)


class FrenchHoursField(_TypedField):
    """A number of hours typed with a decimal comma (3,5), kept as a Decimal."""

    hint = HOURS_HINT

    def parse(self, text: str) -> Decimal:
        return parse_hours(text)

    def format(self, value: Decimal) -> str:
        return decimal_number(value)
