"""Believable recording times: demo rows carry the day their event happened, not the seed's run."""

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, scoped_session

from onboarding.pathway.clock import PARIS
from onboarding.pathway.models import (
    AgrementDecision,
    Candidate,
    Carer,
    Enrollment,
    ImmersionConvention,
    StaffUser,
    Training,
    TransitionLog,
)

# Programme staff accounts date from the launch, before the oldest referral.
STAFF_CREATED_DAYS_AGO = 640


def moment(
    day: date, key: str, *, earliest: time = time(8, 30), span_minutes: int = 570
) -> datetime:
    """A time on that day in Paris office hours, the same for the same key (no clock, no rng)."""
    minutes = zlib.crc32(key.encode()) % span_minutes
    local = datetime.combine(day, earliest, tzinfo=PARIS) + timedelta(minutes=minutes)
    return local.astimezone(UTC)


def _changed(obj, attribute: str) -> bool:
    return inspect(obj).attrs[attribute].history.has_changes()


class Stamper:
    """Before each flush, dates what the pathway engine just created or changed: without it, every
    journal line and enrolment would claim to have been recorded the second the seed ran."""

    def __init__(self, today: date):
        self.today = today
        self.yesterday = today - timedelta(days=1)

    def __call__(self, session: Session, flush_context, instances) -> None:
        for obj in list(session.new):
            self._new(obj)
        for obj in list(session.dirty):
            self._changed(obj)

    def _new(self, obj) -> None:
        if isinstance(obj, TransitionLog) and obj.created_at is None:
            obj.created_at = moment(obj.effective_on, f"log|{obj.name}|{obj.candidate.full_name}")
        elif isinstance(obj, AgrementDecision) and obj.created_at is None:
            obj.created_at = moment(obj.decided_on, f"decision|{obj.candidate.full_name}")
        elif isinstance(obj, Training) and obj.created_at is None:
            obj.created_at = moment(
                obj.completed_on, f"training|{obj.candidate.full_name}|{obj.hours}"
            )
        elif isinstance(obj, ImmersionConvention) and obj.created_at is None:
            day = min(obj.starts_on - timedelta(days=4), self.yesterday)
            obj.created_at = moment(day, f"convention|{obj.host_siret}|{obj.candidate.full_name}")
        elif isinstance(obj, Enrollment) and obj.enrolled_at is None:
            self._enrolled(obj)
        elif isinstance(obj, Candidate) and obj.created_at is None:
            obj.created_at = moment(obj.referred_on, f"candidate|{obj.full_name}")
            obj.status_changed_at = obj.updated_at = obj.created_at
        elif isinstance(obj, Carer) and obj.created_at is None:
            obj.created_at = obj.updated_at = moment(obj.agrement_on, f"carer|{obj}")
        elif isinstance(obj, StaffUser) and obj.created_at is None:
            day = self.today - timedelta(days=STAFF_CREATED_DAYS_AGO)
            obj.created_at = moment(day, f"staff|{obj.email}")

    def _enrolled(self, enrollment: Enrollment) -> None:
        activity, candidate = enrollment.activity, enrollment.candidate
        key = f"enrolled|{activity.title}|{activity.date}|{candidate.full_name}"
        day = activity.date - timedelta(days=5 + zlib.crc32(key.encode()) % 20)
        day = max(min(day, self.yesterday), candidate.referred_on)
        enrollment.enrolled_at = moment(day, key)

    def _changed(self, obj) -> None:
        if isinstance(obj, Enrollment) and obj.marked_at is not None and _changed(obj, "marked_at"):
            activity = obj.activity
            key = f"marked|{activity.title}|{activity.date}|{obj.candidate.full_name}"
            if activity.date < self.today:
                obj.marked_at = moment(
                    activity.date, key, earliest=activity.end_time, span_minutes=150
                )
            else:
                # Excused ahead of a session still to come.
                day = max(
                    self.yesterday - timedelta(days=zlib.crc32(key.encode()) % 6),
                    obj.enrolled_at.astimezone(PARIS).date(),
                )
                obj.marked_at = moment(day, key)
        elif isinstance(obj, Candidate) and not _changed(obj, "updated_at"):
            obj.updated_at = max(obj.status_changed_at, obj.created_at)
        elif isinstance(obj, Carer) and not _changed(obj, "updated_at"):
            last = max(d for d in (obj.agrement_on, obj.first_child_on, obj.last_confirmed_on) if d)
            obj.updated_at = moment(min(last, self.yesterday), f"carer-updated|{obj}")


@contextmanager
def believable_timestamps(session: Session | scoped_session, today: date) -> Iterator[None]:
    """Stamp rows while the block runs; the listener is removed afterwards."""
    target = session() if isinstance(session, scoped_session) else session
    stamper = Stamper(today)
    event.listen(target, "before_flush", stamper)
    try:
        yield
    finally:
        event.remove(target, "before_flush", stamper)
