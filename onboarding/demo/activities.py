"""The default pathway steps, and each town's calendar of activities, created when first used."""

import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from onboarding.demo.names import People
from onboarding.demo.places import HOST_NAMES, Atlas, Host, Place, Venue, siret, venue_names
from onboarding.demo.timestamps import moment
from onboarding.pathway.models import Activity, ActivityKind, PathwayStep


@dataclass(frozen=True)
class StepSpec:
    kind: ActivityKind
    title: str
    description: str
    is_mandatory: bool
    required_sessions: int
    required_hours: Decimal


DEFAULT_STEPS = (
    StepSpec(
        ActivityKind.INFORMATION,
        "Réunion d'information collective",
        "Le métier d'assistant maternel, l'agrément, le parcours et ses étapes ; "
        "remise du formulaire Cerfa n° 13394*05.",
        True, 1, Decimal(0),
    ),
    StepSpec(
        ActivityKind.IMMERSION,
        "Journée d'immersion",
        "Une ou deux journées auprès d'assistants maternels, en MAM ou en crèche. Pour les "
        "demandeurs d'emploi, une convention PMSMP est signée avant la journée.",
        True, 1, Decimal(0),
    ),
    StepSpec(
        ActivityKind.COACHING,
        "Accompagnement collectif",
        "Trois ateliers en groupe : le dossier de demande d'agrément, l'aménagement du "
        "logement, la préparation de l'entretien et de la visite de la PMI.",
        True, 3, Decimal(0),
    ),
    StepSpec(
        ActivityKind.MODULE,
        "Premiers secours (PSC1)",
        "Formation prévention et secours civiques de niveau 1, adaptée aux jeunes enfants.",
        True, 1, Decimal(7),
    ),
    StepSpec(
        ActivityKind.MODULE,
        "Outils numériques : monenfant.fr et Pajemploi",
        "Publier ses disponibilités sur monenfant.fr, déclarer et être payé avec Pajemploi.",
        False, 1, Decimal(3),
    ),
)  # fmt: skip

WHAT_TO_BRING = {
    ActivityKind.INFORMATION: "Une pièce d'identité et vos questions sur le métier.",
    ActivityKind.IMMERSION: (
        "Une tenue confortable et des chaussons. Demandeurs d'emploi : la convention PMSMP signée."
    ),
    ActivityKind.COACHING: "Le formulaire Cerfa n° 13394*05, même incomplet, et de quoi noter.",
    ActivityKind.MODULE: "De quoi noter ; repas tiré du sac pour les journées entières.",
}

# The calendar runs from before the oldest referral to a few weeks ahead.
CALENDAR_START_DAYS = 630
CALENDAR_AHEAD_DAYS = 63
# Fixed public holidays (month, day), and the weeks when nothing is scheduled.
PUBLIC_HOLIDAYS = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}


def closed_on(day: date) -> bool:
    return (
        day.weekday() >= 5
        or (day.month, day.day) in PUBLIC_HOLIDAYS
        or (day.month == 8 and day.day <= 24)
        or (day.month == 12 and day.day >= 22)
        or (day.month == 1 and day.day <= 2)
    )


def ensure_steps(session: Session) -> tuple[list[PathwayStep], int]:
    """The active steps, by position; the default ones are created only when there are none."""
    existing = list(
        session.scalars(select(PathwayStep).order_by(PathwayStep.position, PathwayStep.id))
    )
    created = 0
    if not existing:
        for position, spec in enumerate(DEFAULT_STEPS, start=1):
            session.add(
                PathwayStep(
                    kind=spec.kind,
                    title=spec.title,
                    description=spec.description,
                    position=position,
                    is_mandatory=spec.is_mandatory,
                    required_sessions=spec.required_sessions,
                    required_hours=spec.required_hours,
                    is_active=True,
                )
            )
            created += 1
        session.flush()
        existing = list(
            session.scalars(select(PathwayStep).order_by(PathwayStep.position, PathwayStep.id))
        )
    return [step for step in existing if step.is_active], created


@dataclass(eq=False)
class Slot:
    """A dated session that may become an Activity row once someone enrols (or it is upcoming)."""

    step: PathwayStep
    date: date
    start: time
    end: time
    title: str
    venue: Venue
    capacity: int
    host: Host | None = None
    seats_taken: int = 0
    activity: Activity | None = None

    @property
    def has_seat(self) -> bool:
        return self.seats_taken < self.capacity

    @property
    def duration_hours(self) -> Decimal:
        minutes = (self.end.hour * 60 + self.end.minute) - (
            self.start.hour * 60 + self.start.minute
        )
        return Decimal(minutes) / 60

    def credited_hours(self) -> Decimal | None:
        """Hours for someone present: a step's hours spread over its sessions, else the duration."""
        if self.step.required_hours <= 0:
            return None
        per_session = self.step.required_hours / max(1, self.step.required_sessions)
        return min(self.duration_hours, per_session).quantize(Decimal("0.01"))


class Calendar:
    """For each town (pole) and step, a regular series of sessions over the months around today."""

    def __init__(
        self,
        *,
        seed: int | str,
        today: date,
        atlas: Atlas,
        busy_poles: set[str],
    ):
        self.seed = seed
        self.today = today
        self.atlas = atlas
        self.busy_poles = busy_poles
        self._groups: dict[tuple[str, int], list[list[Slot]]] = {}
        self._hosts: dict[str, list[Host]] = {}
        self._host_slots: dict[str, list[Slot]] = {}
        self.materialized: list[Slot] = []

    def _rng(self, *parts) -> random.Random:
        return random.Random("|".join(str(p) for p in (self.seed, *parts)))

    def hosts(self, pole: Place) -> list[Host]:
        if pole.insee_code not in self._hosts:
            rng = self._rng("hosts", pole.insee_code)
            people = People(rng, set())
            names = list(HOST_NAMES)
            rng.shuffle(names)
            if pole.department_code == "33" and "MAM Les P'tits Loups" in names:
                # The MAM everyone in the demo has heard of sits near Bordeaux.
                names.remove("MAM Les P'tits Loups")
                names.insert(0, "MAM Les P'tits Loups")
            around = self.atlas.near(pole, 20, min_population=1500) or [pole]
            count = 3 if pole.insee_code in self.busy_poles else 2
            self._hosts[pole.insee_code] = [
                Host(
                    name=names[i],
                    siret=siret(rng),
                    place=around[rng.randrange(len(around))],
                    address=people.address(),
                )
                for i in range(count)
            ]
        return self._hosts[pole.insee_code]

    def _series_days(self, rng: random.Random, period: int, weekday: int) -> list[date]:
        first = self.today - timedelta(days=CALENDAR_START_DAYS - rng.randrange(period))
        first += timedelta(days=(weekday - first.weekday()) % 7)
        last = self.today + timedelta(days=CALENDAR_AHEAD_DAYS)
        days = []
        day = first
        while day <= last:
            held = self.open_day(day)
            if held <= last and (not days or held > days[-1]):
                days.append(held)
            day += timedelta(days=period)
        return days

    def open_day(self, day: date) -> date:
        """The same weekday a week later, until the day is open (and not today, so that no
        session is half past, half to come)."""
        while closed_on(day) or day == self.today:
            day += timedelta(days=7)
        return day

    def groups(self, pole: Place, step: PathwayStep) -> list[list[Slot]]:
        """A step's sessions in a town, in groups followed together (a coaching cycle)."""
        key = (pole.insee_code, step.id)
        if key in self._groups:
            return self._groups[key]
        if step.kind == ActivityKind.IMMERSION:
            groups = [[slot] for slot in self._immersion_slots(pole, step)]
        else:
            groups = self._series(pole, step)
        self._groups[key] = groups
        return groups

    def _series(self, pole: Place, step: PathwayStep) -> list[list[Slot]]:
        rng = self._rng("series", pole.insee_code, step.kind, step.title)
        busy = pole.insee_code in self.busy_poles
        sessions = max(1, step.required_sessions)
        if step.kind == ActivityKind.INFORMATION:
            period, weekday = (35 if busy else 56), rng.choice((1, 3))
            start, end = rng.choice(((time(9, 30), time(11, 30)), (time(14), time(16))))
        elif step.kind == ActivityKind.COACHING:
            period, weekday = (56 if busy else 70), rng.choice((0, 4))
            start, end = time(9), time(12)
        else:
            period = (56 if busy else 70) if step.is_mandatory else (84 if busy else 112)
            weekday = rng.choice((0, 2, 4))
            per_session = step.required_hours / sessions if step.required_hours else Decimal(2)
            if per_session >= 6:
                start, end = time(8, 30), time(16, 30)
            else:
                hours = max(2, min(8, int(per_session.to_integral_value(rounding=ROUND_CEILING))))
                start, end = time(9), time(9 + hours)
        names = venue_names(step.kind.value, step.title, pole)
        people = People(rng, set())
        venues = [Venue(name, people.address(), pole) for name in names]
        groups = []
        for day in self._series_days(rng, period, weekday):
            venue = venues[0] if rng.random() < 0.7 else rng.choice(venues)
            capacity = self._capacity(rng, step, venue)
            group = []
            session_day = day
            for number in range(sessions):
                session_day = self.open_day(session_day + timedelta(days=7 if number else 0))
                title = (
                    step.title
                    if sessions == 1
                    else f"{step.title} – séance {number + 1}/{sessions}"
                )
                group.append(Slot(step, session_day, start, end, title, venue, capacity))
            groups.append(group)
        return groups

    @staticmethod
    def _capacity(rng: random.Random, step: PathwayStep, venue: Venue) -> int:
        if step.kind == ActivityKind.INFORMATION:
            if venue.name.startswith("Relais"):
                return rng.choice((6, 8))
            return rng.choice((10, 12, 15))
        if step.kind == ActivityKind.COACHING:
            return rng.choice((6, 8, 10))
        return rng.choice((6, 8, 10))

    def _immersion_slots(self, pole: Place, step: PathwayStep) -> list[Slot]:
        slots = []
        for host in self.hosts(pole):
            rng = self._rng("immersion", host.siret)
            period = 14 if pole.insee_code in self.busy_poles else 21
            venue = Venue(host.name, host.address, host.place)
            for day in self._series_days(rng, period, rng.choice((1, 2, 3))):
                slots.append(
                    Slot(
                        step, day, time(8, 30), time(16, 30), f"Immersion – {host.name}", venue,
                        rng.choice((1, 2, 2)), host=host,
                    )
                )  # fmt: skip
        slots.sort(key=lambda s: (s.date, s.host.siret))
        return slots

    def next_group(
        self, pole: Place, step: PathwayStep, not_before: date, *, host: Host | None = None
    ) -> list[Slot] | None:
        for group in self.groups(pole, step):
            if group[0].date < not_before:
                continue
            if host is not None and group[0].host != host:
                continue
            if all(slot.has_seat for slot in group):
                return group
        return None

    def next_slot(self, pole: Place, step: PathwayStep, not_before: date) -> Slot | None:
        for group in self.groups(pole, step):
            for slot in group:
                if slot.date >= not_before and slot.has_seat:
                    return slot
        return None

    def _size_rooms(self, rng: random.Random) -> None:
        """Half of the booked sessions ahead are held in a room just big enough: nearly full."""
        for groups in self._groups.values():
            for group in groups:
                if group[0].host is not None or group[-1].date <= self.today:
                    continue
                taken = max(slot.seats_taken for slot in group)
                if taken < 2 or rng.random() < 0.5:
                    continue
                capacity = min(group[0].capacity, taken + rng.choice((0, 1, 1, 2)))
                for slot in group:
                    slot.capacity = capacity
                    if slot.activity is not None:
                        slot.activity.capacity = capacity

    def activity(self, session: Session, slot: Slot) -> Activity:
        if slot.activity is None:
            created_on = min(slot.date - timedelta(days=45), self.today - timedelta(days=1))
            slot.activity = Activity(
                step=slot.step,
                kind=slot.step.kind,
                title=slot.title,
                date=slot.date,
                start_time=slot.start,
                end_time=slot.end,
                place_name=slot.venue.name,
                address=slot.venue.address,
                commune_insee=slot.venue.place.insee_code,
                capacity=slot.capacity,
                host_name=slot.host.name if slot.host else None,
                host_siret=slot.host.siret if slot.host else None,
                what_to_bring=WHAT_TO_BRING.get(slot.step.kind, ""),
                created_at=moment(created_on, f"activity|{slot.title}|{slot.date}"),
                # New, so nobody is enrolled: the roll call then needs no query to list them.
                enrollments=[],
            )
            session.add(slot.activity)
            self.materialized.append(slot)
        return slot.activity

    def open_upcoming(self, session: Session, poles: list[Place], steps: list[PathwayStep]) -> None:
        """Every session ahead exists, booked or not: coordinators plan weeks in advance."""
        rng = self._rng("upcoming")
        unused = []
        for pole in poles:
            for step in steps:
                if step.kind == ActivityKind.IMMERSION:
                    # Immersion days are arranged with a host for someone, never left open.
                    continue
                for group in self.groups(pole, step):
                    for slot in group:
                        if slot.date > self.today and slot.activity is None:
                            self.activity(session, slot)
                            unused.append(slot)
        self._size_rooms(rng)
        if unused:
            # One session called off, as happens: the trainer fell ill.
            cancelled = rng.choice(unused)
            cancelled.activity.is_cancelled = True
            cancelled.activity.what_to_bring = "Séance annulée (intervenante indisponible)."
