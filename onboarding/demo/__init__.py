"""Demo data: a believable Nouvelle-Aquitaine picture, built through the pathway engine.

seed_demo() only adds (it never deletes nor commits): staff accounts, the default pathway steps
when there are none, about 300 candidates at every status, their activities and enrolments,
agrément decisions and training, about 150 carers with their free places, and parents' requests.
The same seed and the same `today` give the same data.
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onboarding.demo.accounts import DEMO_ACCOUNTS, DemoAccount, ensure_staff
from onboarding.demo.activities import DEFAULT_STEPS, Calendar, ensure_steps
from onboarding.demo.advisers import make_mams, make_referrals
from onboarding.demo.candidates import SCENARIOS, draw_profiles
from onboarding.demo.carers import TARGET_CARERS, CarerDesk
from onboarding.demo.contacts import TARGET_REQUESTS, make_contact_requests
from onboarding.demo.intake import (
    TARGET_PRE_REGISTRATIONS,
    make_pre_registrations,
    make_waiting_lists,
)
from onboarding.demo.names import People
from onboarding.demo.places import Atlas
from onboarding.demo.playback import Player
from onboarding.demo.stories import Planner
from onboarding.demo.territories import ensure_territories
from onboarding.demo.timestamps import believable_timestamps, moment
from onboarding.pathway import rpe
from onboarding.pathway.indicators import summary as indicator_summary
from onboarding.pathway.models import (
    Candidate,
    CandidateStatus,
    ContactOutcome,
    DecisionOutcome,
)

__all__ = ["DEFAULT_STEPS", "DEMO_ACCOUNTS", "DemoAccount", "DemoSummary", "seed_demo"]

# Poles with at least this many candidates hold their sessions more often.
BUSY_POLE_CANDIDATES = 25
FLUSH_EVERY = 25
RPE_MANDATES = 4


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    today: date
    statuses: dict[str, int]
    withdrawals: dict[str, int]
    steps_created: int
    steps_reused: int
    past_activities: int
    upcoming_activities: int
    enrollments: int
    conventions: int
    decisions: dict[str, int]
    trainings: int
    pathway_carers: int
    imported_carers: int
    published_carers: int
    stale_carers: int
    vacancies: int
    contact_requests: dict[str, int]
    staff_created: int
    staff_reused: int
    mams: int = 0
    parent_referrals: int = 0

    @property
    def candidates(self) -> int:
        return sum(self.statuses.values())

    @property
    def carers(self) -> int:
        return self.pathway_carers + self.imported_carers

    def describe(self) -> str:
        def listing(counts: dict[str, int]) -> str:
            return ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items() if n)

        steps = (
            f"{self.steps_created} pathway steps created"
            if self.steps_created
            else f"{self.steps_reused} existing pathway steps reused"
        )
        return "\n".join(
            (
                f"Demo data for Nouvelle-Aquitaine, seed {self.seed}, as of {self.today:%d/%m/%Y}:",
                f"  {self.candidates} candidates: {listing(self.statuses)}",
                f"  {sum(self.withdrawals.values())} withdrawals: {listing(self.withdrawals)}",
                f"  {steps}; {self.past_activities + self.upcoming_activities} activities "
                f"({self.past_activities} past, {self.upcoming_activities} upcoming), "
                f"{self.enrollments} enrolments, {self.conventions} PMSMP conventions",
                f"  {sum(self.decisions.values())} agrément decisions: {listing(self.decisions)}; "
                f"{self.trainings} training records",
                f"  {self.carers} carers ({self.pathway_carers} from the pathway, "
                f"{self.imported_carers} imported): {self.published_carers} published, "
                f"{self.stale_carers} of them stale; {self.vacancies} vacancies",
                f"  {sum(self.contact_requests.values())} contact requests: "
                f"{listing(self.contact_requests)}",
                f"  {self.mams} MAMs; {self.parent_referrals} parents put in contact by an adviser",
                f"  {self.staff_created} staff accounts created, {self.staff_reused} reused",
            )
        )


def seed_demo(
    session: Session,
    *,
    seed: int,
    today: date,
    progress: Callable[[float], None] | None = None,
    scale: float = 1.0,
) -> DemoSummary:
    """Add the demo data; the caller commits. Never deletes anything.

    progress(fraction) is called as the work goes, last with 1.0. scale shrinks the picture
    (tests use a tenth of it), keeping at least one candidate in every scenario.
    """
    report = progress or (lambda fraction: None)
    report(0.0)
    # Thousands of flushes: the indicators' summary is rebuilt once at the end instead.
    with believable_timestamps(session, today), indicator_summary.deferred(session):
        summary = _seed(session, seed, today, report, scale)
    report(1.0)
    return summary


def _seed(
    session: Session, seed: int, today: date, report: Callable[[float], None], scale: float
) -> DemoSummary:
    # Appending twice with the same seed should not bring the same people back a second time:
    # what is already there is part of the seed (an empty database adds nothing to it).
    existing = session.scalar(select(func.count()).select_from(Candidate))
    base = f"{seed}+{existing}" if existing else str(seed)

    def stream(name: str) -> random.Random:
        # One stream per concern: a change in one leaves the others' draws as they were.
        return random.Random(f"{base}|{name}")

    staff = ensure_staff(session)
    steps, steps_created = ensure_steps(session)
    ensure_territories(session, steps)
    atlas = Atlas(session)
    taken = set(
        session.scalars(
            select(Candidate.france_travail_id).where(Candidate.france_travail_id.is_not(None))
        )
    )
    people = People(stream("people"), taken)
    scenarios = tuple(replace(s, count=max(1, round(s.count * scale))) for s in SCENARIOS)
    profiles, poles = draw_profiles(
        stream("profiles"), atlas, people, today, staff.coordinators, scenarios
    )
    per_pole = Counter(profile.pole.insee_code for profile in profiles)
    calendar = Calendar(
        seed=base,
        today=today,
        atlas=atlas,
        busy_poles={code for code, n in per_pole.items() if n >= BUSY_POLE_CANDIDATES},
    )
    planner = Planner(calendar, steps, today)
    player = Player(session, calendar, today)
    report(0.05)

    candidates = []
    for number, profile in enumerate(profiles, start=1):
        candidates.append(player.play(profile, planner.plan(profile)))
        if number % FLUSH_EVERY == 0:
            session.flush()
            report(0.05 + 0.75 * number / len(profiles))
    calendar.open_upcoming(session, [pole for ps in poles.values() for pole in ps], steps)
    session.flush()
    report(0.82)

    desk = CarerDesk(session, stream("carers"), atlas, today)
    pathway_carers = []
    for candidate in candidates:
        carer = candidate.carer
        if carer is None:
            continue
        pathway_carers.append(carer)
        active = candidate.status == CandidateStatus.ACTIVE
        children = desk.children(carer) if active else 0
        publish = 0.0 if candidate.status == CandidateStatus.WITHDRAWN else 0.88
        desk.present(carer, children=children, consent_from=carer.agrement_on, publish=publish)
    imported = desk.import_carers(
        people.with_rng(stream("imported")),
        max(0, round(TARGET_CARERS * scale) - len(pathway_carers)),
    )
    session.flush()
    report(0.9)

    requests = make_contact_requests(
        session,
        stream("requests"),
        people.with_rng(stream("parents")),
        atlas,
        today,
        pathway_carers + imported,
        staff.coordinators,
        count=max(len(ContactOutcome), round(TARGET_REQUESTS * scale)),
    )
    made_mams = make_mams(session, pathway_carers + imported)
    referred = make_referrals(
        session,
        stream("referrals"),
        people.with_rng(stream("referred parents")),
        today,
        pathway_carers + imported,
        staff.coordinators,
    )
    session.flush()
    make_pre_registrations(
        session, stream("intake"), people.with_rng(stream("intake-people")), atlas, today,
        staff.coordinators, count=max(4, round(TARGET_PRE_REGISTRATIONS * scale)),
    )  # fmt: skip
    make_waiting_lists(session, stream("waiting"), today)
    # A few carers of Gironde agreed that the Relais Petite Enfance updates their places.
    mandated = [
        c for c in pathway_carers + imported if c.department_code == "33" and c.is_published
    ]
    for carer in mandated[:RPE_MANDATES]:
        rpe.give_mandate(session, carer, now=moment(today, f"rpe|{carer.id}"))
    session.flush()

    statuses = Counter(c.status for c in candidates)
    withdrawals = Counter(c.withdrawal_reason for c in candidates if c.withdrawal_reason)
    materialized = calendar.materialized
    return DemoSummary(
        seed=seed,
        today=today,
        statuses={s.value: statuses[s] for s in CandidateStatus},
        withdrawals={r.value: n for r, n in sorted(withdrawals.items())},
        steps_created=steps_created,
        steps_reused=0 if steps_created else len(steps),
        past_activities=sum(1 for slot in materialized if slot.date < today),
        upcoming_activities=sum(1 for slot in materialized if slot.date > today),
        enrollments=player.enrollments,
        conventions=player.conventions,
        decisions={o.value: player.decisions[o.value] for o in DecisionOutcome},
        trainings=player.trainings,
        pathway_carers=len(pathway_carers),
        imported_carers=len(imported),
        published_carers=desk.counts.published,
        stale_carers=desk.counts.stale,
        vacancies=desk.counts.vacancies,
        contact_requests={o.value: requests[o] for o in ContactOutcome},
        staff_created=staff.created,
        staff_reused=staff.reused,
        mams=len(made_mams),
        parent_referrals=referred,
    )
