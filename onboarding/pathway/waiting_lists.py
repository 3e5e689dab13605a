"""Waiting lists of full activities: joining, a freed seat handed to the first in line (enrolled
at once, or offered for a while when the activity is close), confirming, expiry.

A seat offered is held: it stays in the activity's `seats_taken` until she confirms (it becomes
her enrolment), lets it go or lets it expire (then it passes to the next person, or back to the
activity). Everything happens in the transaction of the change that freed the seat: the seat's
UPDATE holds the activity's row until commit, so a second seat freed at the same time waits,
then finds the first person served and serves the next one; the queue is also read FOR UPDATE
SKIP LOCKED and each entry moved by a conditional UPDATE, so no entry is served twice.

Expiry is applied by `expire_offers`, which `flask send-due` runs every minute before sending;
an offer past its deadline can no longer be confirmed, even in the minute before that run.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from onboarding.pathway import audit, clock, enrollment, notifications
from onboarding.pathway.errors import DuplicateError, PathwayError, RuleViolation
from onboarding.pathway.models import (
    Activity,
    AuditAction,
    Candidate,
    Enrollment,
    StaffUser,
    WaitingListEntry,
    WaitingStatus,
)
from onboarding.pathway.models.waiting_lists import ACTIVE_STATUSES

# A seat freed this many days or more before the activity goes straight to the first in line;
# closer than that she is asked first (product rule: she may have made other plans).
DIRECT_ENROL_DAYS = 3
# How long an offered seat is held, in hours (WAITING_LIST_OFFER_HOURS; set at start-up).
_offer_hours = 24


def configure(*, offer_hours: int) -> None:
    global _offer_hours
    _offer_hours = int(offer_hours)


def offer_hours() -> int:
    return _offer_hours


def queue(session: Session, activity: Activity) -> list[WaitingListEntry]:
    """The whole list, in order, with the entries already settled (its history)."""
    return list(
        session.scalars(
            select(WaitingListEntry)
            .where(WaitingListEntry.activity_id == activity.id)
            .order_by(WaitingListEntry.created_at, WaitingListEntry.id)
            .options(selectinload(WaitingListEntry.candidate))
        )
    )


def queue_with_states(session: Session, activity: Activity) -> list[tuple[WaitingListEntry, str]]:
    """The list in order, each entry with its `rank_text`, counted in one pass over it."""
    ranked, waiting = [], 0
    for entry in queue(session, activity):
        if entry.status == WaitingStatus.WAITING:
            waiting += 1
            ranked.append((entry, _state(entry, waiting)))
        else:
            ranked.append((entry, _state(entry, None)))
    return ranked


def rank(session: Session, entry: WaitingListEntry) -> int | None:
    """Her place in the queue (1 for the first person waiting), or None once she left it."""
    if entry.status != WaitingStatus.WAITING:
        return None
    ahead = session.scalar(
        select(func.count(WaitingListEntry.id)).where(
            WaitingListEntry.activity_id == entry.activity_id,
            WaitingListEntry.status == WaitingStatus.WAITING,
            or_(
                WaitingListEntry.created_at < entry.created_at,
                and_(
                    WaitingListEntry.created_at == entry.created_at,
                    WaitingListEntry.id < entry.id,
                ),
            ),
        )
    )
    return ahead + 1


def rank_text(session: Session, entry: WaitingListEntry) -> str:
    """ "1re en attente", "3e en attente", or the entry's status once she left the queue."""
    return _state(entry, rank(session, entry))


def _state(entry: WaitingListEntry, position: int | None) -> str:
    if position is None:
        return entry.status.label.lower()
    return f"{position}{'re' if position == 1 else 'e'} en attente"


def active_entry(session: Session, candidate: Candidate, activity: Activity):
    return session.scalar(
        select(WaitingListEntry).where(
            WaitingListEntry.activity_id == activity.id,
            WaitingListEntry.candidate_id == candidate.id,
            WaitingListEntry.status.in_(ACTIVE_STATUSES),
        )
    )


def join(
    session: Session, candidate: Candidate, activity: Activity, *, actor: StaffUser | None
) -> WaitingListEntry:
    """Put her at the end of the list of a full activity she could otherwise be enrolled in."""
    enrollment.check_enrollable(session, candidate, activity)
    if activity.date < clock.today():
        raise RuleViolation("Cette activité a déjà eu lieu.")
    session.refresh(activity, ["seats_taken"])
    if activity.seats_left > 0:
        raise RuleViolation(
            f"Il reste {activity.seats_left} place(s) à « {activity.title} » : "
            "inscrivez directement la personne."
        )
    if active_entry(session, candidate, activity) is not None:
        raise DuplicateError(
            f"{candidate.full_name} est déjà sur la liste d'attente de cette activité."
        )
    entry = WaitingListEntry(activity=activity, candidate=candidate, created_at=clock.now())
    session.add(entry)
    session.flush()
    _audit(session, entry, AuditAction.WAITING_LIST_JOIN, actor)
    return entry


def _audit(session: Session, entry: WaitingListEntry, action, actor=None) -> None:
    audit.record(
        session, actor=actor, action=action, object_type="WaitingListEntry",
        object_id=entry.id, fields=["status"],
    )  # fmt: skip


def _move(session: Session, entry: WaitingListEntry, source, target, **values) -> bool:
    """One conditional UPDATE: true when this transaction moved the entry from `source`."""
    result = session.execute(
        update(WaitingListEntry)
        .where(WaitingListEntry.id == entry.id, WaitingListEntry.status == source)
        .values(status=target, **values)
        .execution_options(synchronize_session=False)
    )
    session.expire(entry)
    return result.rowcount == 1


def _first_waiting(session: Session, activity: Activity) -> WaitingListEntry | None:
    return session.scalar(
        select(WaitingListEntry)
        .where(
            WaitingListEntry.activity_id == activity.id,
            WaitingListEntry.status == WaitingStatus.WAITING,
        )
        .order_by(WaitingListEntry.created_at, WaitingListEntry.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def offer_deadline(activity: Activity, now: datetime) -> datetime:
    """Now plus the configured delay, and never later than the activity's start."""
    starts = datetime.combine(activity.date, activity.start_time, tzinfo=clock.PARIS)
    return min(now + timedelta(hours=_offer_hours), starts)


def seat_freed(session: Session, activity: Activity) -> WaitingListEntry | None:
    """Hand the seat just given back to the first person waiting who may still take it; the
    people who no longer may (out of the pathway, no convention…) leave the list. Returns the
    entry served, or None (the seat stays free)."""
    if activity.is_cancelled:
        return None
    now = clock.now()
    today = clock.today()
    if activity.date < today or offer_deadline(activity, now) <= now:
        return None
    while (entry := _first_waiting(session, activity)) is not None:
        candidate = entry.candidate
        try:
            enrollment.check_enrollable(session, candidate, activity)
        except PathwayError:
            if _move(session, entry, WaitingStatus.WAITING, WaitingStatus.WITHDRAWN,
                     settled_at=now):  # fmt: skip
                _audit(session, entry, AuditAction.WAITING_LIST_LEAVE)
            continue
        if (activity.date - today).days >= DIRECT_ENROL_DAYS:
            if not _move(session, entry, WaitingStatus.WAITING, WaitingStatus.ENROLLED,
                         settled_at=now):  # fmt: skip
                continue
            enrollment.take_seat(session, activity)
            enrollment.record_enrollment(
                session, candidate, activity, actor=None, action=AuditAction.WAITING_LIST_ENROL
            )
            return entry
        expires = offer_deadline(activity, now)
        if not _move(session, entry, WaitingStatus.WAITING, WaitingStatus.OFFERED,
                     offered_at=now, offer_expires_at=expires):  # fmt: skip
            continue
        enrollment.take_seat(session, activity)
        notifications.waiting_list_offer(session, entry)
        _audit(session, entry, AuditAction.WAITING_LIST_OFFER)
        return entry
    return None


def seats_added(session: Session, activity: Activity) -> int:
    """The activity has more seats (its capacity raised): each free one goes to the list, in
    order, as a seat given back does. Returns how many people were served."""
    served = 0
    while True:
        session.refresh(activity, ["seats_taken"])
        if activity.seats_left <= 0 or seat_freed(session, activity) is None:
            return served
        served += 1


def confirm(session: Session, entry: WaitingListEntry) -> Enrollment:
    """She takes the seat offered to her (from her space): the held seat becomes her enrolment."""
    now = clock.now()
    if entry.status == WaitingStatus.OFFERED and entry.offer_expires_at <= now:
        # Nothing changes here (a refusal rolls back): `expire_offers` passes the seat on.
        raise RuleViolation(
            "Le délai pour accepter cette place est passé : elle a été proposée à la personne "
            "suivante. Votre contact peut vous proposer une autre date."
        )
    if entry.status != WaitingStatus.OFFERED:
        raise RuleViolation("Aucune place ne vous est proposée pour cette activité.")
    activity, candidate = entry.activity, entry.candidate
    enrollment.check_enrollable(session, candidate, activity)
    if not _move(session, entry, WaitingStatus.OFFERED, WaitingStatus.ENROLLED, settled_at=now):
        raise RuleViolation("Cette proposition n'est plus valable.")
    return enrollment.record_enrollment(
        session, candidate, activity, actor=None, action=AuditAction.WAITING_LIST_ENROL
    )


def enrolled_from_list(
    session: Session, entry: WaitingListEntry, *, actor: StaffUser | None
) -> Enrollment:
    """A coordinator enrols someone who is on the list: a seat held for her becomes hers,
    otherwise she takes a free one like anybody; either way she leaves the list."""
    status = entry.status
    if status == WaitingStatus.WAITING:
        # Refused (the activity full) before anything is written, as enroll() is.
        enrollment.take_seat(session, entry.activity)
    _move(session, entry, status, WaitingStatus.ENROLLED, settled_at=clock.now())
    return enrollment.record_enrollment(session, entry.candidate, entry.activity, actor=actor)


def expire(session: Session, entry: WaitingListEntry) -> bool:
    """The offer ran out: the held seat passes to the next person, or back to the activity."""
    if not _move(session, entry, WaitingStatus.OFFERED, WaitingStatus.EXPIRED,
                 settled_at=clock.now()):  # fmt: skip
        return False
    _audit(session, entry, AuditAction.WAITING_LIST_EXPIRE)
    enrollment.release_seat(session, entry.activity)
    return True


def leave(session: Session, entry: WaitingListEntry, *, actor: StaffUser | None = None) -> None:
    """She leaves the list (or a coordinator takes her off); a seat held for her passes on."""
    held = entry.status == WaitingStatus.OFFERED
    if entry.status not in ACTIVE_STATUSES or not _move(
        session, entry, entry.status, WaitingStatus.WITHDRAWN, settled_at=clock.now()
    ):
        raise RuleViolation("Cette personne n'est plus sur la liste d'attente.")
    _audit(session, entry, AuditAction.WAITING_LIST_LEAVE, actor)
    if held:
        enrollment.release_seat(session, entry.activity)


def leave_all(session: Session, candidate: Candidate) -> None:
    """Out of the pathway: off every list (held seats pass on)."""
    entries = session.scalars(
        select(WaitingListEntry).where(
            WaitingListEntry.candidate_id == candidate.id,
            WaitingListEntry.status.in_(ACTIVE_STATUSES),
        )
    ).all()
    for entry in entries:
        leave(session, entry)


def expire_offers(session: Session) -> int:
    """Expire every offer past its deadline (run by `flask send-due`); returns how many."""
    due = session.scalars(
        select(WaitingListEntry)
        .where(
            WaitingListEntry.status == WaitingStatus.OFFERED,
            WaitingListEntry.offer_expires_at <= clock.now(),
        )
        .order_by(WaitingListEntry.offer_expires_at, WaitingListEntry.id)
        .with_for_update(skip_locked=True)
    ).all()
    return sum(expire(session, entry) for entry in due)


def offers_for(session: Session, candidate: Candidate) -> list[WaitingListEntry]:
    """The seats offered to her now, soonest activity first (her space shows them)."""
    now = clock.now()
    return list(
        session.scalars(
            select(WaitingListEntry)
            .join(Activity)
            .where(
                WaitingListEntry.candidate_id == candidate.id,
                WaitingListEntry.status == WaitingStatus.OFFERED,
                WaitingListEntry.offer_expires_at > now,
            )
            .order_by(Activity.date, Activity.start_time)
        )
    )
