"""Enrolments in activities, seats held by the database, and the roll call."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from onboarding.pathway import audit, clock, notifications
from onboarding.pathway.base import utcnow
from onboarding.pathway.errors import ActivityFull, DuplicateError, RuleViolation
from onboarding.pathway.immersion import convention_covering
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    Attendance,
    AuditAction,
    Candidate,
    CandidateStatus,
    Enrollment,
    StaffUser,
)
from onboarding.pathway.progress import format_hours

CLOSED_STATUSES = (CandidateStatus.WITHDRAWN, CandidateStatus.REFUSED)


def take_seat(session: Session, activity: Activity) -> None:
    """One conditional UPDATE: the database serialises concurrent takers of the last seat, so
    exactly one succeeds and the others find the activity full when their turn comes."""
    result = session.execute(
        update(Activity)
        .where(Activity.id == activity.id, Activity.seats_taken < Activity.capacity)
        .values(seats_taken=Activity.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(activity, ["seats_taken"])
    if result.rowcount != 1:
        raise ActivityFull(
            f"L'activité « {activity.title} » du {activity.date:%d/%m/%Y} est complète "
            f"({activity.capacity} place{'s' if activity.capacity > 1 else ''})."
        )


def release_seat(session: Session, activity: Activity) -> None:
    """A seat goes back to the activity, and at once to the first person of its waiting list,
    if any (pathway.waiting_lists). The UPDATE holds the activity's row until the transaction
    ends, so two seats freed at once are handed out one after the other."""
    from onboarding.pathway import waiting_lists

    session.execute(
        update(Activity)
        .where(Activity.id == activity.id, Activity.seats_taken > 0)
        .values(seats_taken=Activity.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(activity, ["seats_taken"])
    waiting_lists.seat_freed(session, activity)


def check_enrollable(session: Session, candidate: Candidate, activity: Activity) -> None:
    """The rules an enrolment obeys, seats aside: raise the refusal, or return."""
    if candidate.status in CLOSED_STATUSES:
        raise RuleViolation(
            f"{candidate.full_name} ne peut plus être inscrit(e) : "
            f"statut « {candidate.status.label} »."
        )
    if activity.is_cancelled:
        raise RuleViolation("Cette activité est annulée.")
    if activity.department_code != candidate.department_code:
        # Each département's activities are run by its own team, for the people it follows.
        raise RuleViolation(
            f"{candidate.full_name} suit le parcours dans le département "
            f"{candidate.department_code} : cette activité est organisée dans le département "
            f"{activity.department_code}."
        )
    existing = session.scalar(
        select(Enrollment.id).where(
            Enrollment.candidate_id == candidate.id, Enrollment.activity_id == activity.id
        )
    )
    if existing is not None:
        raise DuplicateError(f"{candidate.full_name} est déjà inscrit(e) à cette activité.")
    needs_convention = activity.kind == ActivityKind.IMMERSION and candidate.is_job_seeker
    if needs_convention and (
        not activity.host_siret
        or not convention_covering(session, candidate, activity.host_siret, activity.date)
    ):
        raise RuleViolation(
            f"{candidate.full_name} est demandeur d'emploi : une convention PMSMP avec "
            f"{activity.host_name or 'la structure d’accueil'} couvrant le "
            f"{activity.date:%d/%m/%Y} est nécessaire avant l'immersion."
        )


def enroll(
    session: Session,
    candidate: Candidate,
    activity: Activity,
    *,
    actor: StaffUser | None,
    today: date,
) -> Enrollment:
    from onboarding.pathway import waiting_lists

    check_enrollable(session, candidate, activity)
    entry = waiting_lists.active_entry(session, candidate, activity)
    if entry is not None:
        # Enrolled while on the list: the seat held for her, if any, becomes hers.
        return waiting_lists.enrolled_from_list(session, entry, actor=actor)
    take_seat(session, activity)
    return record_enrollment(session, candidate, activity, actor=actor)


def record_enrollment(
    session: Session,
    candidate: Candidate,
    activity: Activity,
    *,
    actor: StaffUser | None,
    action: AuditAction = AuditAction.ENROL,
) -> Enrollment:
    """The enrolment row, its messages and its audit line, once its seat is taken."""
    enrollment = Enrollment(candidate=candidate, activity=activity, enrolled_by=actor)
    session.add(enrollment)
    session.flush()
    notifications.enrollment_made(session, enrollment)
    audit.record(
        session, actor=actor, action=action, object_type="Activity",
        object_id=activity.id, fields=["enrollments"],
    )  # fmt: skip
    return enrollment


def cancel_enrollment(session: Session, enrollment: Enrollment) -> None:
    """Un-enrol before the roll call: the seat goes back to the activity."""
    if enrollment.attendance != Attendance.PENDING:
        raise RuleViolation(
            "La présence est déjà relevée : l'inscription ne peut plus être annulée."
        )
    activity = enrollment.activity
    # The seat first (it may go at once to someone waiting), then the row: on SQLite a new
    # enrolment inserted after the delete could reuse its id, and with it the keys of its
    # messages.
    release_seat(session, activity)
    session.delete(enrollment)
    session.flush()


def upcoming_enrollments(candidate: Candidate, today: date) -> list[Enrollment]:
    """The candidate's enrolments in activities still to come (not cancelled), in date order."""
    return sorted(
        (
            e
            for e in candidate.enrollments
            if e.activity.date >= today and not e.activity.is_cancelled
        ),
        key=lambda e: (e.activity.date, e.activity.start_time),
    )


def release_upcoming_enrollments(session: Session, candidate: Candidate, *, today: date) -> int:
    upcoming = [
        e
        for e in candidate.enrollments
        if e.attendance == Attendance.PENDING and e.activity.date >= today
    ]
    for enrollment in upcoming:
        cancel_enrollment(session, enrollment)
    from onboarding.pathway import waiting_lists

    waiting_lists.leave_all(session, candidate)
    return len(upcoming)


def seat_was_released(enrollment: Enrollment) -> bool:
    """An absence said before the activity's day gave its seat back (see `excuse`)."""
    said_on = enrollment.marked_at.astimezone(clock.PARIS).date() if enrollment.marked_at else None
    return said_on is not None and said_on < enrollment.activity.date


def excuse(session: Session, enrollment: Enrollment, *, today: date, by_candidate: bool) -> None:
    """The candidate (or their coordinator) says in advance they cannot attend.

    Before the activity's day the seat goes back to the activity, for someone else; the
    candidate's coordinator is told when the candidate said it herself, and the audit log
    keeps it."""
    if enrollment.activity.date < today:
        raise RuleViolation("Cette activité a déjà eu lieu.")
    if enrollment.attendance != Attendance.PENDING:
        raise RuleViolation("La présence à cette activité est déjà relevée.")
    enrollment.attendance = Attendance.EXCUSED
    enrollment.hours_credited = Decimal(0)
    enrollment.excused_by_candidate = by_candidate
    enrollment.marked_at = clock.now()
    if seat_was_released(enrollment):
        release_seat(session, enrollment.activity)
    if by_candidate:
        notifications.absence_said(session, enrollment)
        _audit_by_candidate(session, enrollment, AuditAction.CANDIDATE_EXCUSE)


def take_back(session: Session, enrollment: Enrollment, *, today: date) -> None:
    """The candidate comes after all: her seat again, while one is left."""
    activity = enrollment.activity
    if enrollment.attendance != Attendance.EXCUSED or not enrollment.excused_by_candidate:
        raise RuleViolation("Vous n'avez pas signalé d'absence à cette activité.")
    if enrollment.candidate.status in CLOSED_STATUSES:
        # Out of the programme since: a seat is for the people it still follows.
        raise RuleViolation(
            "Votre parcours est clos : votre conseiller peut vous dire ce qui reste possible."
        )
    if activity.date < today or activity.is_cancelled:
        raise RuleViolation("Cette activité a déjà eu lieu ou est annulée.")
    if seat_was_released(enrollment):
        try:
            take_seat(session, activity)
        except ActivityFull:
            raise ActivityFull(
                f"Votre place à « {activity.title} » a été reprise entre-temps : l'activité "
                "est complète. Votre conseiller peut vous proposer une autre date."
            ) from None
    enrollment.attendance = Attendance.PENDING
    enrollment.hours_credited = None
    enrollment.excused_by_candidate = False
    enrollment.marked_at = None
    _audit_by_candidate(session, enrollment, AuditAction.CANDIDATE_TAKE_BACK)


def _audit_by_candidate(session: Session, enrollment: Enrollment, action: AuditAction) -> None:
    audit.record(
        session, actor=None, action=action, object_type="Enrollment", object_id=enrollment.id,
        fields=["attendance"],
    )  # fmt: skip


@dataclass(frozen=True)
class Mark:
    """One line of the roll call as typed: an attendance and, for those present, hours."""

    enrollment_id: int
    attendance: str
    hours: str | Decimal | None = None


def _checked_mark(activity: Activity, mark: Mark, name: str) -> tuple[Attendance, Decimal]:
    try:
        attendance = Attendance(mark.attendance)
    except ValueError:
        raise RuleViolation(f"{name} : présence non reconnue.", field="attendance") from None
    if attendance == Attendance.PENDING:
        raise RuleViolation(
            f"{name} : indiquez présent, absent excusé ou absent.", field="attendance"
        )
    if attendance != Attendance.ATTENDED:
        return attendance, Decimal(0)
    if mark.hours in (None, ""):
        return attendance, activity.duration_hours
    try:
        hours = Decimal(str(mark.hours).replace(",", "."))
    except InvalidOperation:
        raise RuleViolation(f"{name} : nombre d'heures illisible.", field="hours") from None
    if not hours.is_finite() or not Decimal(0) < hours <= activity.duration_hours:
        raise RuleViolation(
            f"{name} : les heures créditées vont de 0 à la durée de l'activité "
            f"({format_hours(activity.duration_hours)} h).",
            field="hours",
        )
    return attendance, hours.quantize(Decimal("0.01"))


def take_roll_call(
    session: Session,
    activity: Activity,
    marks: list[Mark],
    *,
    today: date,
    actor: StaffUser | None = None,
) -> list[Enrollment]:
    """Mark every line, or none: the whole form is checked before anything is written; the
    audit log keeps who took it."""
    if activity.date > today:
        raise RuleViolation("La présence se relève le jour de l'activité ou après.")
    by_id = {e.id: e for e in activity.enrollments}
    checked = []
    for mark in marks:
        enrollment = by_id.get(mark.enrollment_id)
        if enrollment is None:
            raise RuleViolation("Une ligne ne correspond à aucune inscription de cette activité.")
        checked.append((enrollment, *_checked_mark(activity, mark, enrollment.candidate.full_name)))
    now = utcnow()
    for enrollment, attendance, hours in checked:
        enrollment.attendance = attendance
        enrollment.hours_credited = hours
        enrollment.marked_at = now
    audit.record(
        session, actor=actor, action=AuditAction.ROLL_CALL, object_type="Activity",
        object_id=activity.id, fields=["attendance", "hours_credited"],
    )  # fmt: skip
    return [enrollment for enrollment, _, _ in checked]
