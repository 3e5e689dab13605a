"""Candidates' stories: the dated events of each path (sessions, conventions, transitions,
dossier, training), planned so that they fit the towns' calendars before today."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from onboarding.demo.activities import Calendar, Slot
from onboarding.demo.candidates import Profile
from onboarding.demo.places import (
    Host,
)
from onboarding.pathway.deadlines import appeal_deadline, decision_due
from onboarding.pathway.immersion import last_day_allowed
from onboarding.pathway.models import (
    ActivityKind,
    Attendance,
    DossierItemKind,
    DossierItemStatus,
    ImmersionPurpose,
    PathwayStep,
    WithdrawalReason,
)

# The oldest referral: a little over 18 months back, so the oldest cohorts have reached the end.
OLDEST_REFERRAL_DAYS = 560
FIT_ATTEMPTS = 14

# What a département writes when it refuses, or grants fewer than 4 children (L421-4).
REFUSAL_REASONS = (
    "Logement ne garantissant pas la sécurité des enfants accueillis : escalier et piscine non "
    "sécurisés, sans travaux prévus.",
    "Maîtrise insuffisante du français oral pour assurer la sécurité des enfants et échanger "
    "avec les parents (art. L421-3).",
    "Conditions d'accueil ne garantissant pas la santé et l'épanouissement des enfants : pas "
    "d'espace de repos adapté.",
    "Capacités éducatives insuffisamment démontrées lors de l'entretien et de la visite à "
    "domicile.",
)
RESTRICTION_REASONS = {
    3: (
        "Surface de la pièce de vie permettant l'accueil de trois enfants au plus.",
        "Espace de repos limité à trois couchages.",
    ),
    2: (
        "Premier agrément : accueil limité à deux enfants le temps de la prise de poste, "
        "à réévaluer au renouvellement.",
        "Logement à l'étage sans ascenseur : accueil limité à deux enfants.",
    ),
    1: (
        "Trois enfants de moins de 3 ans déjà au foyer : un seul enfant accueilli en plus "
        "(art. L421-4).",
    ),
}
# Part 1 of the initial training in three blocks (D421-46); CAP AEPE holders do block 3 and
# first aid only.
PART1_BLOCKS = ((1, Decimal(35), True), (2, Decimal(25), False), (3, Decimal(20), False))
PART1_BLOCKS_CAP = ((1, Decimal(7), True), (3, Decimal(21), False))


@dataclass(frozen=True)
class Attend:
    slot: Slot
    attendance: Attendance
    hours: Decimal | None


@dataclass(frozen=True)
class Book:
    """Enrolled in a session still to come."""

    slot: Slot
    excused: bool


@dataclass(frozen=True)
class Convene:
    host: Host
    purpose: ImmersionPurpose
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Move:
    name: str
    on: date
    capacity: int | None = None
    reason: str = ""
    withdrawal: WithdrawalReason | None = None
    note: str = ""


@dataclass(frozen=True)
class Receive:
    kind: DossierItemKind
    status: DossierItemStatus
    on: date | None


@dataclass(frozen=True)
class Course:
    part: int
    block: int | None
    hours: Decimal
    on: date
    first_aid: bool


@dataclass(frozen=True)
class Evaluate:
    passed: bool
    on: date


class Impossible(Exception):
    """The story does not fit before today with this referral date."""


@dataclass
class Story:
    referred_on: date
    events: list = field(default_factory=list)
    anchor: date | None = None
    conventions_end: date | None = None

    def moves(self) -> list[Move]:
        return [e for e in self.events if isinstance(e, Move)]


def gap(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


class Planner:
    """Turns a profile into a dated story that fits before today, using the towns' calendars."""

    def __init__(self, calendar: Calendar, steps: list[PathwayStep], today: date):
        self.calendar = calendar
        self.steps = steps
        self.today = today
        self.last_past = today - timedelta(days=1)
        self.oldest = today - timedelta(days=OLDEST_REFERRAL_DAYS)

    def plan(self, profile: Profile) -> Story:
        """The story whose telling event falls in the scenario's window, or the nearest one: the
        referral date moves until it does (sessions are sparse, so not every date works)."""
        scenario = profile.scenario
        fit = random.Random(profile.key + "|fit")
        most, fewest = scenario.anchor_days_ago
        target = self.today - timedelta(days=fit.randint(fewest, most))
        window = (self.today - timedelta(days=most), self.today - timedelta(days=fewest))

        def miss(story: Story) -> int:
            if story.anchor < window[0]:
                return (window[0] - story.anchor).days
            return max(0, (story.anchor - window[1]).days)

        referred_on = target - timedelta(days=scenario.typical_days)
        best, best_miss = None, None
        tried = set()
        for _ in range(FIT_ATTEMPTS):
            referred_on = min(max(referred_on, self.oldest), self.today - timedelta(days=2))
            if referred_on in tried:
                referred_on -= timedelta(days=fit.randint(5, 20))
                continue
            tried.add(referred_on)
            try:
                story = self._story(profile, referred_on)
            except Impossible:
                # Too late to get through before today: start earlier.
                referred_on -= timedelta(days=fit.randint(7, 25))
                continue
            if best is None or miss(story) < best_miss:
                best, best_miss = story, miss(story)
            if best_miss == 0:
                break
            referred_on += target - story.anchor
        if best is None:
            # The widest room there is: from the oldest referral date.
            try:
                best = self._story(profile, self.oldest)
            except Impossible:
                raise RuntimeError(
                    f"no {scenario.name} story fits between {self.oldest} and {self.today}"
                ) from None
        return best

    # The scenarios, stage by stage.

    def _story(self, profile: Profile, referred_on: date) -> Story:
        rng = random.Random(profile.key)
        story = Story(referred_on)
        name = profile.scenario.name
        if name in ("referred", "withdrawn_referred"):
            return self._referred(story, rng, profile, withdraw=name == "withdrawn_referred")
        if name in ("in_pathway", "withdrawn_in_pathway"):
            return self._in_pathway(story, rng, profile, withdraw=name == "withdrawn_in_pathway")
        done_on = self._pathway(story, rng, profile)
        filed_on, complete_on = self._dossier(
            story, rng, done_on, complete=name not in ("dossier_filed", "withdrawn_filed")
        )
        if complete_on is None:
            story.anchor = filed_on
            if name == "withdrawn_filed":
                self._withdraw(story, rng, profile, after=filed_on)
            return story
        if name in ("under_evaluation", "overdue_decision", "withdrawn_evaluation"):
            story.anchor = complete_on
            if name == "under_evaluation" and rng.random() < 0.35:
                self._training(story, rng, profile, complete_on, until=self.last_past, stop=0.5)
            if name == "overdue_decision" and decision_due(complete_on) > self.today:
                raise Impossible
            if name == "withdrawn_evaluation":
                self._withdraw(story, rng, profile, after=complete_on)
            return story
        if name in ("refused", "withdrawn_refused", "appeal_pending"):
            refused_on = self._refuse(story, rng, complete_on)
            story.anchor = refused_on
            if name == "withdrawn_refused":
                self._withdraw(story, rng, profile, after=refused_on)
            elif name == "appeal_pending":
                story.anchor = self._appeal(story, rng, refused_on)
            return story
        if name in ("refused_after_appeal", "approved_after_appeal"):
            appealed_on = self._appeal(story, rng, self._refuse(story, rng, complete_on))
            decided_on = self._check(appealed_on + gap(rng, 20, 70))
            if name == "refused_after_appeal":
                story.events.append(Move("refuse", decided_on, reason=rng.choice(REFUSAL_REASONS)))
                story.anchor = decided_on
                return story
            story.events.append(self._grant(rng, profile, decided_on))
            story.anchor = decided_on
            self._training(story, rng, profile, complete_on, until=self.last_past, stop=0.3)
            return story
        # Granted, or deemed granted for want of an answer within 3 months (L421-6).
        if name in ("approved_deemed", "active_deemed"):
            decided_on = self._check(decision_due(complete_on))
            story.events.append(Move("deem_granted", decided_on))
        else:
            decided_on = self._check(complete_on + gap(rng, 25, 85))
            story.events.append(self._grant(rng, profile, decided_on))
        story.anchor = decided_on
        if name in ("approved", "approved_deemed"):
            if rng.random() < 0.8:
                self._training(story, rng, profile, complete_on, until=self.last_past, stop=0.25)
            return story
        if name == "withdrawn_approved":
            self._withdraw(story, rng, profile, after=decided_on)
            return story
        part1_on = self._training(story, rng, profile, complete_on, until=self.last_past, stop=0)
        if part1_on is None:
            raise Impossible
        first_child_on = self._check(max(decided_on, part1_on) + gap(rng, 7, 90))
        story.events.append(Move("record_first_child", first_child_on))
        story.anchor = first_child_on
        self._part2(story, rng, first_child_on)
        return story

    def _check(self, day: date) -> date:
        if day > self.last_past:
            raise Impossible
        return day

    def _referred(self, story: Story, rng, profile: Profile, *, withdraw: bool) -> Story:
        story.anchor = story.referred_on
        first = self.steps[0] if self.steps else None
        if first is not None and rng.random() < 0.35:
            # Missed a first session: still to be seen again, or never heard of again.
            slot = self.calendar.next_slot(profile.pole, first, story.referred_on + gap(rng, 3, 15))
            if (
                slot is not None
                and slot.date <= self.last_past
                and not self._needs_convention(profile, slot)
            ):
                missed = rng.choice((Attendance.ABSENT, Attendance.EXCUSED))
                story.events.append(Attend(slot, missed, None))
        if withdraw:
            last = max([story.referred_on] + [e.slot.date for e in story.events])
            self._withdraw(story, rng, profile, after=last)
        elif first is not None and rng.random() < 0.7:
            slot = self.calendar.next_slot(profile.pole, first, self.today)
            if slot is not None:
                story.events.append(Book(slot, excused=rng.random() < 0.1))
        return story

    def _in_pathway(self, story: Story, rng, profile: Profile, *, withdraw: bool) -> Story:
        if not self.steps:
            story.events.append(
                Move("start_pathway", self._check(story.referred_on + gap(rng, 3, 20)))
            )
            story.anchor = story.events[-1].on
            return story
        mandatory_after_first = [s for s in self.steps[1:] if s.is_mandatory]
        to_finish = rng.randint(0, max(0, len(mandatory_after_first) - 1))
        self._pathway(story, rng, profile, to_finish=to_finish, book_next=not withdraw)
        if withdraw:
            last = max(self._dates(story))
            unreachable = profile.withdrawal == WithdrawalReason.UNREACHABLE
            if unreachable and len(mandatory_after_first) > to_finish:
                # Enrolled once more, never came, never answered again.
                step = mandatory_after_first[to_finish]
                slot = self.calendar.next_slot(profile.pole, step, last + gap(rng, 7, 30))
                if (
                    slot is not None
                    and slot.date <= self.last_past
                    and not self._needs_convention(profile, slot)
                ):
                    story.events.append(Attend(slot, Attendance.ABSENT, None))
                    last = slot.date
            self._withdraw(story, rng, profile, after=last)
        return story

    @staticmethod
    def _dates(story: Story) -> list[date]:
        dates = [story.referred_on]
        for event in story.events:
            if isinstance(event, Attend):
                dates.append(event.slot.date)
            elif isinstance(event, Move | Course | Evaluate):
                dates.append(event.on)
        return dates

    def _withdraw(self, story: Story, rng, profile: Profile, *, after: date) -> None:
        on = self._check(after + gap(rng, 7, 60))
        story.events.append(
            Move("withdraw", on, withdrawal=profile.withdrawal, note=profile.withdrawal_note)
        )
        story.anchor = on

    def _needs_convention(self, profile: Profile, slot: Slot) -> bool:
        return slot.step.kind == ActivityKind.IMMERSION and profile.is_job_seeker

    def _pathway(
        self,
        story: Story,
        rng,
        profile: Profile,
        *,
        to_finish: int | None = None,
        book_next: bool = False,
    ) -> date:
        """Attend the steps; returns the day the last mandatory one was done. With to_finish, only
        that many mandatory steps after the first are done, and the next may be booked ahead."""
        if not self.steps:
            started_on = self._check(story.referred_on + gap(rng, 3, 20))
            story.events.append(Move("start_pathway", started_on))
            story.anchor = started_on
            return started_on
        first, rest = self.steps[0], self.steps[1:]
        started_on = self._attend(story, rng, profile, first, story.referred_on + gap(rng, 3, 21))
        if started_on is None:
            raise Impossible
        story.events.append(Move("start_pathway", started_on))
        story.anchor = started_on
        done_dates = [started_on]
        cursor = started_on
        after_immersion = started_on
        finished = 0
        for step in rest:
            if not step.is_mandatory:
                if to_finish is not None or rng.random() > 0.45:
                    continue
            elif to_finish is not None and finished >= to_finish:
                if book_next and rng.random() < 0.7:
                    self._attend(story, rng, profile, step, max(cursor, self.today), book=True)
                break
            if step.kind == ActivityKind.MODULE:
                not_before = after_immersion + gap(rng, 7, 50)
            else:
                not_before = cursor + gap(rng, 3, 21)
            done_on = self._attend(
                story, rng, profile, step, not_before, book=to_finish is not None and book_next
            )
            if done_on is None:
                if step.is_mandatory and to_finish is None:
                    raise Impossible
                if step.is_mandatory:
                    break
                continue
            if step.is_mandatory:
                finished += 1
                done_dates.append(done_on)
            if step.kind != ActivityKind.MODULE:
                cursor = done_on
            if step.kind == ActivityKind.IMMERSION:
                after_immersion = done_on
        return max(done_dates)

    def _attend(
        self,
        story: Story,
        rng,
        profile: Profile,
        step: PathwayStep,
        not_before: date,
        *,
        book: bool = False,
    ) -> date | None:
        """Sessions of a step until it is done; None if it cannot be done before today (then,
        with book, the next session is booked)."""
        sessions, hours, misses = 0, Decimal(0), 0
        cursor = not_before
        done_on = None
        first_round = True
        while True:
            if step.kind == ActivityKind.IMMERSION:
                group = self._immersion_days(rng, profile, step, cursor)
            elif first_round:
                group = self.calendar.next_group(profile.pole, step, cursor)
            else:
                slot = self.calendar.next_slot(profile.pole, step, cursor)
                group = [slot] if slot else None
            first_round = False
            if group is None:
                return None
            past = [slot for slot in group if slot.date <= self.last_past]
            ahead = [slot for slot in group if slot.date > self.last_past]
            if past and self._needs_convention(profile, past[0]):
                self._convene(story, rng, past[0].host, group)
            for slot in past:
                attendance = Attendance.ATTENDED
                if misses == 0:
                    draw = rng.random()
                    if draw < 0.05:
                        attendance = Attendance.EXCUSED
                    elif draw < 0.1:
                        attendance = Attendance.ABSENT
                if attendance != Attendance.ATTENDED:
                    misses += 1
                    story.events.append(Attend(slot, attendance, None))
                    continue
                credited = slot.credited_hours()
                story.events.append(Attend(slot, attendance, credited))
                sessions += 1
                hours += credited if credited is not None else slot.duration_hours
                done_on = slot.date
            if ahead:
                if not book:
                    return None
                if not past and self._needs_convention(profile, ahead[0]):
                    self._convene(story, rng, ahead[0].host, ahead)
                for slot in ahead:
                    story.events.append(Book(slot, excused=rng.random() < 0.08))
                return None
            if sessions >= step.required_sessions and hours >= step.required_hours:
                return done_on
            cursor = group[-1].date + timedelta(days=1)

    def _immersion_days(
        self, rng, profile: Profile, step: PathwayStep, cursor: date
    ) -> list[Slot] | None:
        hosts = list(self.calendar.hosts(profile.pole))
        rng.shuffle(hosts)
        for host in hosts:
            group = self.calendar.next_group(profile.pole, step, cursor, host=host)
            if group is None or (group[0].date - cursor).days > 45:
                continue
            first = group[0]
            if first.date <= self.last_past and rng.random() < 0.35:
                # A second day with the same host, within the same convention.
                second = self.calendar.next_group(
                    profile.pole, step, first.date + timedelta(days=1), host=host
                )
                if second and second[0].date <= min(
                    self.last_past, first.date + timedelta(days=20)
                ):
                    return [first, second[0]]
            return [first]
        group = self.calendar.next_group(profile.pole, step, cursor)
        return group

    def _convene(self, story: Story, rng, host: Host, group: list[Slot]) -> None:
        """The PMSMP convention that a job seeker's immersion needs, signed a few days before."""
        floor = story.referred_on
        if story.conventions_end is not None:
            floor = max(floor, story.conventions_end + timedelta(days=1))
        starts_on = max(group[0].date - gap(rng, 0, 6), floor)
        # Ending on the last day leaves room for a make-up convention right after.
        ends_on = min(group[-1].date, last_day_allowed(starts_on))
        purpose = ImmersionPurpose.DISCOVER if rng.random() < 0.75 else ImmersionPurpose.CONFIRM
        story.events.append(Convene(host, purpose, starts_on, ends_on))
        story.conventions_end = ends_on

    def _dossier(
        self, story: Story, rng, done_on: date, *, complete: bool
    ) -> tuple[date, date | None]:
        filed_on = self._check(done_on + gap(rng, 5, 30))
        story.events.append(Move("file_dossier", filed_on))
        missing: set[DossierItemKind] = set()
        if not complete:
            missing.add(
                rng.choices(
                    (
                        DossierItemKind.MEDICAL_CERTIFICATE,
                        DossierItemKind.PROOF_OF_ADDRESS,
                        DossierItemKind.IDENTITY,
                    ),
                    (0.6, 0.3, 0.1),
                )[0]
            )
            if rng.random() < 0.3:
                missing.add(DossierItemKind.MEDICAL_CERTIFICATE)
        received = []
        for kind in DossierItemKind:
            if kind in missing:
                continue
            if kind == DossierItemKind.RESIDENCE_PERMIT and rng.random() < 0.92:
                story.events.append(Receive(kind, DossierItemStatus.NOT_APPLICABLE, None))
                continue
            on = filed_on
            if kind == DossierItemKind.MEDICAL_CERTIFICATE and rng.random() < 0.5:
                on = filed_on + gap(rng, 3, 25)
            on = min(on, self.last_past)
            story.events.append(Receive(kind, DossierItemStatus.RECEIVED, on))
            received.append(on)
        if not complete:
            return filed_on, None
        complete_on = self._check(max([filed_on + timedelta(days=5), *received]) + gap(rng, 2, 14))
        story.events.append(Move("declare_dossier_complete", complete_on))
        return filed_on, complete_on

    def _grant(self, rng, profile: Profile, decided_on: date) -> Move:
        capacity = rng.choices((4, 3, 2, 1), (0.55, 0.3, 0.12, 0.03))[0]
        capacity = min(capacity, profile.requested_capacity)
        reason = rng.choice(RESTRICTION_REASONS[capacity]) if capacity < 4 else ""
        return Move("grant", decided_on, capacity=capacity, reason=reason)

    def _refuse(self, story: Story, rng, complete_on: date) -> date:
        refused_on = self._check(complete_on + gap(rng, 30, 85))
        story.events.append(Move("refuse", refused_on, reason=rng.choice(REFUSAL_REASONS)))
        return refused_on

    def _appeal(self, story: Story, rng, refused_on: date) -> date:
        on = min(refused_on + gap(rng, 10, 55), appeal_deadline(refused_on))
        story.events.append(Move("appeal", self._check(on)))
        return on

    def _training(
        self, story: Story, rng, profile: Profile, complete_on: date, *, until: date, stop: float
    ) -> date | None:
        """Part 1 of the initial training after the complete dossier; returns the day it was done
        (hours and a passed evaluation), None if it is not done by `until` or stopped early."""
        blocks = PART1_BLOCKS_CAP if profile.has_cap_aepe_units else PART1_BLOCKS
        on = complete_on + gap(rng, 7, 40)
        for block, hours, first_aid in blocks:
            if on > until or rng.random() < stop:
                return None
            story.events.append(Course(1, block, hours, on, first_aid))
            on += gap(rng, 10, 35)
        evaluated_on = story.events[-1].on + gap(rng, 2, 14)
        if evaluated_on > until:
            return None
        if rng.random() < 0.07:
            # The one retake D421-44 allows.
            story.events.append(Evaluate(False, evaluated_on))
            evaluated_on += gap(rng, 25, 50)
            if evaluated_on > until:
                return None
        story.events.append(Evaluate(True, evaluated_on))
        return evaluated_on

    def _part2(self, story: Story, rng, first_child_on: date) -> None:
        """Part 2 (40 h within 3 years of the first child): begun by some, done by a few."""
        on = first_child_on + gap(rng, 30, 120)
        draw = rng.random()
        chunks = (Decimal(21), Decimal(19)) if draw < 0.12 else (Decimal(14),) if draw < 0.5 else ()
        for hours in chunks:
            if on > self.last_past:
                return
            story.events.append(Course(2, None, hours, on, False))
            on += gap(rng, 20, 60)
