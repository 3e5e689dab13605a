"""Which changes call for a message, and when it is due: each queues its messages in the
transaction of the change itself (onboarding/pathway/outbox.py), so none can be forgotten or
sent for a change that was rolled back."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from onboarding.pathway import clock, outbox, staff
from onboarding.pathway.identifiers import is_mobile_phone
from onboarding.pathway.models import (
    Activity,
    Attendance,
    Candidate,
    Carer,
    Channel,
    ContactRequest,
    Enrollment,
    MessageKind,
)

PARIS = ZoneInfo("Europe/Paris")
# Reminders leave two days before the activity, in the morning.
REMINDER_DAYS_BEFORE = 2
REMINDER_TIME = time(9, 0)
# A change of these tells those enrolled that the activity moved.
MOVING_FIELDS = ("date", "start_time", "end_time", "place_name", "address", "commune_insee")


def reminder_due(activity: Activity) -> datetime:
    day = activity.date - timedelta(days=REMINDER_DAYS_BEFORE)
    return datetime.combine(day, REMINDER_TIME, tzinfo=PARIS)


def _channels(candidate: Candidate) -> list[Channel]:
    channels = [Channel.EMAIL]
    if is_mobile_phone(candidate.phone) and not candidate.sms_refused:
        channels.append(Channel.SMS)
    return channels


def _queue_reminders(session: Session, enrollment: Enrollment, now: datetime) -> None:
    activity = enrollment.activity
    due = reminder_due(activity)
    if due <= now:
        return  # the invitation itself is the reminder
    for channel in _channels(enrollment.candidate):
        outbox.enqueue(
            session,
            MessageKind.ACTIVITY_REMINDER,
            subject_id=enrollment.id,
            occasion=f"{activity.date.isoformat()}.{activity.sequence or 0}",
            channel=channel,
            due_at=due,
            candidate_id=enrollment.candidate_id,
        )


def enrollment_made(session: Session, enrollment: Enrollment) -> None:
    """The invitation now, the reminder two days before (by SMS too where allowed); nothing for
    an activity already held (an enrolment recorded after the fact)."""
    if enrollment.activity.date < clock.today():
        return
    now = clock.now()
    outbox.enqueue(
        session,
        MessageKind.ENROLLMENT_INVITATION,
        subject_id=enrollment.id,
        due_at=now,
        candidate_id=enrollment.candidate_id,
    )
    _queue_reminders(session, enrollment, now)


def contact_requested(session: Session, request: ContactRequest) -> None:
    """The carer is told (or, without her email, each coordinator of her département at once,
    to pass it on by phone); the parent gets an acknowledgement."""
    now = clock.now()
    carer = request.carer
    if carer.email:
        outbox.enqueue(session, MessageKind.CONTACT_TO_CARER, subject_id=request.id, due_at=now)
    else:
        for coordinator in staff.coordinators_of(session, carer.department_code):
            outbox.enqueue(
                session,
                MessageKind.CONTACT_WITHOUT_EMAIL,
                subject_id=request.id,
                occasion=f"staff-{coordinator.id}",
                due_at=now,
            )
    if request.email:
        outbox.enqueue(
            session, MessageKind.CONTACT_ACKNOWLEDGEMENT, subject_id=request.id, due_at=now
        )


def contact_answered(session: Session, request: ContactRequest) -> None:
    """The parent hears the carer's answer: by email, or by SMS to a mobile number."""
    if request.email:
        channel = Channel.EMAIL
    elif is_mobile_phone(request.phone):
        channel = Channel.SMS
    else:
        return  # a landline: the coordinators see the outcome in the panel
    outbox.enqueue(
        session, MessageKind.CONTACT_ANSWER, subject_id=request.id, channel=channel,
        due_at=clock.now(),
    )  # fmt: skip


def carer_link_sent(session: Session, carer: Carer, channel: Channel = Channel.EMAIL) -> None:
    """A personal link to her own space (an invitation, or one she asked for), issued when it is
    sent (at most one a minute)."""
    now = clock.now()
    outbox.enqueue(
        session, MessageKind.CARER_LINK, subject_id=carer.id,
        occasion=_minute(now), channel=channel, due_at=now,
    )  # fmt: skip


def carer_links_sent(session: Session, carers: list[Carer]) -> None:
    """`carer_link_sent` by email to many carers at once (an import's invitations)."""
    now = clock.now()
    outbox.enqueue_many(
        session, MessageKind.CARER_LINK, subject_ids=[carer.id for carer in carers],
        occasion=_minute(now), due_at=now,
    )  # fmt: skip


def _minute(now) -> str:
    """The occasion of a link asked for: at most one a minute."""
    return now.strftime("%Y-%m-%dT%H:%M")


def absence_said(session: Session, enrollment: Enrollment) -> None:
    """Her coordinator hears of it at once (a seat may be offered to someone else)."""
    outbox.enqueue(
        session,
        MessageKind.ABSENCE_NOTICE,
        subject_id=enrollment.id,
        occasion=enrollment.marked_at.isoformat(timespec="seconds"),
        due_at=clock.now(),
        candidate_id=enrollment.candidate_id,
    )


def access_link_requested(session: Session, candidate: Candidate, channel: Channel) -> None:
    """A fresh personal link, asked for by the person herself (at most one a minute)."""
    now = clock.now()
    outbox.enqueue(
        session,
        MessageKind.ACCESS_LINK,
        subject_id=candidate.id,
        occasion=_minute(now),
        channel=channel,
        due_at=now,
        candidate_id=candidate.id,
    )


def _changed(activity: Activity, names) -> bool:
    state = inspect(activity)
    return any(state.attrs[name].history.has_changes() for name in names)


def _activity_changed(session: Session, activity: Activity) -> None:
    cancelled = _changed(activity, ("is_cancelled",)) and activity.is_cancelled
    moved = _changed(activity, MOVING_FIELDS)
    if not cancelled and not moved:
        return
    activity.sequence = (activity.sequence or 0) + 1
    now = clock.now()
    kind = MessageKind.ACTIVITY_CANCELLED if cancelled else MessageKind.ACTIVITY_CHANGED
    for enrollment in activity.enrollments:
        if enrollment.id is None or enrollment.attendance != Attendance.PENDING:
            continue
        # The reminders queued for the old date have nothing left to say.
        outbox.withdraw_pending(session, MessageKind.ACTIVITY_REMINDER, enrollment.id)
        outbox.enqueue(
            session,
            kind,
            subject_id=enrollment.id,
            occasion=str(activity.sequence),
            due_at=now,
            candidate_id=enrollment.candidate_id,
        )
        if not cancelled:
            _queue_reminders(session, enrollment, now)


@event.listens_for(Session, "before_flush")
def _notify_activity_changes(session: Session, flush_context, instances) -> None:
    changed = [
        obj
        for obj in session.dirty
        if isinstance(obj, Activity) and session.is_modified(obj, include_collections=False)
    ]
    if not changed:
        return
    with session.no_autoflush:
        for activity in changed:
            _activity_changed(session, activity)


def waiting_list_offer(session: Session, entry) -> None:
    """A seat is offered to the first person waiting: she is told at once, by SMS too where
    allowed, with the deadline to confirm it from her space."""
    candidate = entry.candidate
    for channel in _channels(candidate):
        outbox.enqueue(
            session,
            MessageKind.WAITING_LIST_OFFER,
            subject_id=entry.id,
            channel=channel,
            due_at=clock.now(),
            candidate_id=candidate.id,
        )
