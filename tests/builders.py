"""Test data builders with scenario keywords: make_candidate(session, status=APPROVED)."""

from datetime import date, time, timedelta
from decimal import Decimal
from itertools import count

from onboarding.pathway import dossier, enrollment, staff, training, transitions
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    Attendance,
    Candidate,
    CandidateStatus,
    DossierItemStatus,
    PathwayStep,
    ReferralSource,
    Role,
    StaffUser,
    WithdrawalReason,
)
from onboarding.pathway.referral import Referral, refer_candidate

TODAY = date(2026, 3, 16)
PASSWORD = "correct horse battery"
BORDEAUX = "33063"
PERIGUEUX = "24322"
_sequence = count(1)


def make_staff(
    session, email: str, role: Role = Role.COORDINATOR, departments: str = "33", **kwargs
) -> StaffUser:
    return staff.create_staff_user(
        session,
        email=email,
        role=role,
        password=kwargs.pop("password", PASSWORD),
        departments="" if role == Role.ADMIN else departments,
        **kwargs,
    )


def make_step(
    session,
    kind: ActivityKind = ActivityKind.INFORMATION,
    *,
    title: str | None = None,
    mandatory: bool = True,
    sessions: int = 1,
    hours: Decimal | int = 0,
    position: int | None = None,
) -> PathwayStep:
    step = PathwayStep(
        kind=kind,
        title=title or kind.label,
        is_mandatory=mandatory,
        required_sessions=sessions,
        required_hours=Decimal(hours),
        position=next(_sequence) if position is None else position,
    )
    session.add(step)
    session.flush()
    return step


def make_activity(
    session,
    step: PathwayStep,
    *,
    on: date = TODAY,
    capacity: int = 12,
    commune: str = BORDEAUX,
    start: time = time(9, 30),
    end: time = time(12, 0),
    host_name: str | None = None,
    host_siret: str | None = None,
    title: str | None = None,
) -> Activity:
    activity = Activity(
        step=step,
        kind=step.kind,
        title=title or step.title,
        date=on,
        start_time=start,
        end_time=end,
        place_name="Agence France Travail",
        address="12 rue Sainte-Catherine",
        commune_insee=commune,
        capacity=capacity,
        host_name=host_name,
        host_siret=host_siret,
    )
    session.add(activity)
    session.flush()
    return activity


def make_candidate(
    session,
    status: CandidateStatus = CandidateStatus.REFERRED,
    *,
    commune: str = BORDEAUX,
    referred_on: date = TODAY - timedelta(days=150),
    actor: StaffUser | None = None,
    today: date = TODAY,
    capacity: int = 4,
    **fields,
) -> Candidate:
    """A candidate at the given status, reached through the real transitions and their rules."""
    number = next(_sequence)
    referral = Referral(
        first_name=fields.pop("first_name", "Camille"),
        last_name=fields.pop("last_name", f"Martin{number}"),
        commune_insee=commune,
        referral_source=fields.pop("referral_source", ReferralSource.FRANCE_TRAVAIL),
        referred_on=referred_on,
        requested_capacity=fields.pop("requested_capacity", capacity),
        **fields,
    )
    candidate = refer_candidate(session, referral, today=today)
    if status == CandidateStatus.REFERRED:
        return candidate
    step_on = referred_on + timedelta(days=7)
    if status == CandidateStatus.WITHDRAWN:
        transitions.withdraw(
            session, candidate, actor=actor, on=step_on, reason=WithdrawalReason.MOVED, today=today
        )
        return candidate
    transitions.start_pathway(session, candidate, actor=actor, on=step_on, today=today)
    if status == CandidateStatus.IN_PATHWAY:
        return candidate
    transitions.file_dossier(
        session, candidate, actor=actor, on=step_on + timedelta(days=30), today=today
    )
    if status == CandidateStatus.DOSSIER_FILED:
        return candidate
    for item in candidate.dossier_items:
        dossier.mark_item(
            item, DossierItemStatus.RECEIVED, on=step_on + timedelta(days=31), today=today
        )
    complete_on = step_on + timedelta(days=35)
    transitions.declare_dossier_complete(
        session, candidate, actor=actor, on=complete_on, today=today
    )
    if status == CandidateStatus.UNDER_EVALUATION:
        return candidate
    decided_on = complete_on + timedelta(days=60)
    if status == CandidateStatus.REFUSED:
        transitions.refuse(
            session, candidate, actor=actor, decided_on=decided_on,
            reason="Logement ne garantissant pas la sécurité des enfants.", today=today,
        )  # fmt: skip
        return candidate
    transitions.grant(
        session, candidate, actor=actor, decided_on=decided_on, capacity=capacity,
        reason="" if capacity == 4 else "Surface du logement.", today=today,
    )  # fmt: skip
    if status == CandidateStatus.APPROVED:
        return candidate
    complete_part1(session, candidate, on=decided_on + timedelta(days=10), today=today)
    transitions.record_first_child(
        session, candidate, actor=actor, on=decided_on + timedelta(days=20), today=today
    )
    assert candidate.status == status, f"no scenario reaches {status}"
    return candidate


# Part 1 in its three blocks (D421-46), first aid in block 1: 80 hours.
PART1_BLOCKS = ((1, Decimal(35), True), (2, Decimal(25), False), (3, Decimal(20), False))


def complete_part1(session, candidate: Candidate, *, on: date, today: date = TODAY) -> None:
    for block, hours, first_aid in PART1_BLOCKS:
        training.record_course(
            session, candidate, part=1, block=block, hours=hours, completed_on=on, today=today,
            includes_first_aid=first_aid,
        )  # fmt: skip
    session.flush()
    training.record_part1_evaluation(session, candidate, passed=True, completed_on=on, today=today)
    session.flush()


def attend(session, candidate: Candidate, activity: Activity, *, hours=None, today: date = TODAY):
    """Enrol and mark present (the activity must not be after today)."""
    row = enrollment.enroll(session, candidate, activity, actor=None, today=today)
    enrollment.take_roll_call(
        session,
        activity,
        [enrollment.Mark(row.id, Attendance.ATTENDED.value, hours)],
        today=today,
    )
    session.flush()
    return row
