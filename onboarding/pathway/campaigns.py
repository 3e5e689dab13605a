"""Messages queued by the calendar rather than by a change: the carers' confirmation campaigns
(R421-39: availability declared before 1 June and 1 December), their reminder, the warning to a
carer about to drop out of the search, and the coordinators' Monday digest.

`queue_due` runs at the start of every `send-due`: each message's unique key (kind, carer,
campaign) makes running it every minute harmless, and a carer who publishes during a campaign
is asked too. Each kind is one INSERT … SELECT, so 250,000 carers cost one statement each.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import String, and_, cast, exists, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from onboarding.pathway import carers, clock, outbox
from onboarding.pathway.carers import CONFIRMATION_CAMPAIGNS, STALE_AFTER
from onboarding.pathway.models import (
    Carer,
    Channel,
    MessageKind,
    MessageStatus,
    OutboxMessage,
    Role,
    StaffUser,
)

# The campaign's reminder leaves two weeks before its deadline.
REMINDER_BEFORE = timedelta(days=14)
# A carer is warned a month before her profile goes stale (5 months after her confirmation).
WARN_BEFORE_STALE = relativedelta(months=1)


@dataclass(frozen=True)
class Campaign:
    opens_on: date
    due_on: date

    @property
    def reminder_on(self) -> date:
        return self.due_on - REMINDER_BEFORE

    @property
    def occasion(self) -> str:
        return self.due_on.isoformat()


def campaign_on(today: date) -> Campaign | None:
    """The campaign running on that day (from 1 May to 31 May, from 1 November to 30 November)."""
    for opens, due in CONFIRMATION_CAMPAIGNS:
        campaign = Campaign(date(today.year, opens, 1), date(today.year, due, 1))
        if campaign.opens_on <= today < campaign.due_on:
            return campaign
    return None


def campaign_audience(campaign: Campaign):
    """Published carers who have not confirmed since the campaign opened and whose agrément
    came more than two months before its deadline (otherwise her first deadline is the next)."""
    return and_(
        Carer.is_published.is_(True),
        or_(Carer.last_confirmed_on.is_(None), Carer.last_confirmed_on < campaign.opens_on),
        # carers.concerned_by_deadline, in SQL.
        Carer.agrement_on < campaign.due_on - carers.NEW_CARER_GRACE,
    )


def stale_soon_audience(today: date):
    """Published carers whose confirmation is more than 5 months old and not yet 6: parents
    stop seeing them at 6."""
    return and_(
        Carer.is_published.is_(True),
        Carer.last_confirmed_on <= today - (STALE_AFTER - WARN_BEFORE_STALE),
        Carer.last_confirmed_on > today - STALE_AFTER,
    )


def _insert(session: Session, kind: MessageKind, where, occasion, now: datetime) -> int:
    """One statement: a message of that kind for every carer `where` selects, unless queued."""
    key = (
        literal(f"{kind.value}:{Channel.EMAIL.value}:")
        + cast(Carer.id, String)
        + literal(":")
        + occasion
    )
    rows = select(
        key,
        literal(kind.value),
        literal(Channel.EMAIL.value),
        Carer.id,
        Carer.candidate_id,
        literal(now, OutboxMessage.due_at.type),
        literal(MessageStatus.PENDING.value),
        literal(0),
        literal(now, OutboxMessage.created_at.type),
    ).where(
        where,
        Carer.email.is_not(None),
        ~exists().where(OutboxMessage.key == key),
    )
    columns = ["key", "kind", "channel", "subject_id", "candidate_id", "due_at", "status",
               "attempts", "created_at"]  # fmt: skip
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(OutboxMessage)
        .from_select(columns, rows)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxMessage.id)
    )
    return len(session.execute(statement).all())


# Coordinators' digest: Monday morning, from 7 o'clock to noon (Paris); send-due runs every
# minute, so it is queued at 7.
DIGEST_WEEKDAY = 0
DIGEST_HOUR = 7
DIGEST_UNTIL_HOUR = 12


def queue_digests(session: Session, *, now: datetime) -> int:
    """Monday morning: one digest a week for each active coordinator."""
    local = now.astimezone(clock.PARIS)
    if local.weekday() != DIGEST_WEEKDAY or not DIGEST_HOUR <= local.hour < DIGEST_UNTIL_HOUR:
        return 0
    week = f"{local.isocalendar().year}-W{local.isocalendar().week:02d}"
    queued = 0
    for user in session.scalars(
        select(StaffUser).where(StaffUser.role == Role.COORDINATOR, StaffUser.is_active.is_(True))
    ):
        key = outbox.message_key(MessageKind.COORDINATOR_DIGEST, user.id, week)
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)) is None:
            outbox.enqueue(
                session, MessageKind.COORDINATOR_DIGEST, subject_id=user.id, occasion=week,
                due_at=now,
            )  # fmt: skip
            queued += 1
    return queued


def queue_due(session: Session, *, now: datetime | None = None) -> int:
    """Queue what the calendar calls for today; the caller commits."""
    now = now or clock.now()
    today = now.astimezone(clock.PARIS).date()
    queued = 0
    campaign = campaign_on(today)
    if campaign is not None:
        audience = campaign_audience(campaign)
        occasion = literal(campaign.occasion)
        queued += _insert(session, MessageKind.CARER_CAMPAIGN, audience, occasion, now)
        if today >= campaign.reminder_on:
            queued += _insert(session, MessageKind.CARER_CAMPAIGN_REMINDER, audience, occasion, now)
    # Once per confirmation: a new confirmation starts a new count.
    confirmed = cast(Carer.last_confirmed_on, String)
    queued += _insert(
        session, MessageKind.CARER_STALE_WARNING, stale_soon_audience(today), confirmed, now
    )
    return queued + queue_digests(session, now=now)
