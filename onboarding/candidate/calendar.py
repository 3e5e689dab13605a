"""Calendar files (.ics, RFC 5545) for a candidate's upcoming activities, one or all of them."""

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from onboarding.formatting import long_date
from onboarding.pathway.base import utcnow
from onboarding.pathway.models import Activity

PARIS = ZoneInfo("Europe/Paris")
PRODUCT_ID = "-//Parcours Assmat//Espace candidat//FR"


def _where(activity: Activity) -> str:
    parts = [activity.place_name, activity.address, activity.commune.name]
    return ", ".join(part for part in parts if part)


def _event(activity: Activity, stamp: datetime) -> Event:
    event = Event()
    # Stable across downloads, so that a calendar updates the event instead of doubling it.
    event.add("uid", f"activite-{activity.id}@parcours-assmat")
    event.add("dtstamp", stamp)
    # Bumped at each move or cancellation: a calendar that imported the event updates it.
    event.add("sequence", activity.sequence or 0)
    event.add("status", "CANCELLED" if activity.is_cancelled else "CONFIRMED")
    event.add("dtstart", datetime.combine(activity.date, activity.start_time, tzinfo=PARIS))
    event.add("dtend", datetime.combine(activity.date, activity.end_time, tzinfo=PARIS))
    event.add("summary", f"{activity.kind.label} : {activity.title}")
    event.add("location", _where(activity))
    lines = [f"{activity.title}, le {long_date(activity.date)}.", f"Lieu : {_where(activity)}."]
    if activity.host_name:
        lines.append(f"Accueil par : {activity.host_name}.")
    if activity.what_to_bring:
        lines.append(f"À apporter : {activity.what_to_bring}")
    event.add("description", "\n".join(lines))
    return event


def calendar_file(activities: list[Activity], *, method: str = "PUBLISH") -> bytes:
    """The events of these activities; method CANCEL tells a calendar to drop them."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", "Parcours Assmat")
    stamp = utcnow().replace(microsecond=0)
    for activity in activities:
        calendar.add_component(_event(activity, stamp))
    # The Europe/Paris VTIMEZONE, for calendars that do not know the zone by its name.
    calendar.add_missing_timezones()
    return calendar.to_ical()
