"""The outbox's mechanics: enqueue a message once, claim what is due, record the outcome.

Delivery is at most once. A sender claims a batch (pending → sending, committed) before it
hands anything over, and records each outcome as soon as it knows it. Two senders never claim
the same row: the claim is one conditional UPDATE (with SKIP LOCKED on PostgreSQL; SQLite runs
one writer at a time). A sender killed between handing a message over and recording it leaves
the row "sending"; once its lease has run out the row becomes "interrupted", is shown in the
panel, and is sent again only when a person asks. A repeated reminder would be a nuisance to
the person, a silent loss would not be seen: this way neither happens unseen.
"""

import hashlib
import uuid
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import Channel, MessageKind, MessageStatus, OutboxMessage

# How long a claim holds before the sender that made it is taken for dead.
LEASE = timedelta(minutes=15)
# Delays before each new try of a message whose delivery failed; then it is failed.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
# Keys looked for per statement (`enqueue_many`): bounded IN lists on every database.
_CHUNK = 500


def message_key(kind: MessageKind, subject_id: int, occasion: str = "", channel=Channel.EMAIL):
    return f"{kind.value}:{channel.value}:{subject_id}:{occasion}"


def message_id_header(key: str) -> str:
    """The same Message-ID for every delivery of one message, so that a mail server or client
    recognises a copy sent again by hand."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@parcours-assmat>"


def enqueue(
    session: Session,
    kind: MessageKind,
    *,
    subject_id: int,
    due_at: datetime,
    occasion: str = "",
    channel: Channel = Channel.EMAIL,
    candidate_id: int | None = None,
) -> OutboxMessage:
    """Add the message to the caller's transaction, or return the one already queued."""
    key = message_key(kind, subject_id, occasion, channel)
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))
    if existing is not None:
        return existing
    for pending in session.new:
        if isinstance(pending, OutboxMessage) and pending.key == key:
            return pending
    message = _message(key, kind, channel, subject_id, candidate_id, due_at)
    session.add(message)
    return message


def enqueue_many(
    session: Session,
    kind: MessageKind,
    *,
    subject_ids: list[int],
    due_at: datetime,
    occasion: str = "",
    channel: Channel = Channel.EMAIL,
) -> int:
    """`enqueue` for many subjects at once (an import's invitations): the messages already
    queued are looked for once, not once a subject. Returns how many were added."""
    keys = {message_key(kind, id_, occasion, channel): id_ for id_ in subject_ids}
    queued = {pending.key for pending in session.new if isinstance(pending, OutboxMessage)}
    wanted = list(keys)
    for start in range(0, len(wanted), _CHUNK):
        queued.update(
            session.scalars(
                select(OutboxMessage.key).where(
                    OutboxMessage.key.in_(wanted[start : start + _CHUNK])
                )
            )
        )
    added = [
        _message(key, kind, channel, subject_id, None, due_at)
        for key, subject_id in keys.items()
        if key not in queued
    ]
    session.add_all(added)
    return len(added)


def _message(key, kind, channel, subject_id, candidate_id, due_at) -> OutboxMessage:
    return OutboxMessage(
        key=key,
        kind=kind,
        channel=channel,
        subject_id=subject_id,
        candidate_id=candidate_id,
        due_at=due_at,
        status=MessageStatus.PENDING,
        attempts=0,
    )


def withdraw_pending(session: Session, kind: MessageKind, subject_id: int) -> int:
    """Pending messages of that kind about that subject have nothing left to say."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.kind == kind,
            OutboxMessage.subject_id == subject_id,
            OutboxMessage.status == MessageStatus.PENDING,
        )
        .values(status=MessageStatus.OBSOLETE)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def new_sender_id() -> str:
    return uuid.uuid4().hex


def recover_interrupted(session: Session, *, now: datetime) -> int:
    """Claims older than the lease belong to a sender that died: mark them interrupted."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == MessageStatus.SENDING,
            OutboxMessage.claimed_at < now - LEASE,
        )
        .values(status=MessageStatus.INTERRUPTED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


class ClaimedMessage(NamedTuple):
    """What a sender reads of a message it claimed: read as the claim writes it (its RETURNING),
    rather than loaded again for each message."""

    id: int
    key: str
    kind: MessageKind
    channel: Channel
    subject_id: int
    attempts: int


def claim_due(session: Session, *, sender: str, now: datetime, limit: int) -> list[ClaimedMessage]:
    """Claim up to `limit` messages due now, oldest first (by id); the caller commits at once.

    The rows are chosen once, in a CTE (with FOR UPDATE SKIP LOCKED on PostgreSQL, which then
    materialises it): as a plain `IN (subquery)`, PostgreSQL may run the locking subquery again
    for each row it updates, and one sender would claim every message in one go."""
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == MessageStatus.PENDING, OutboxMessage.due_at <= now)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    chosen = due.cte("due")
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == chosen.c.id)
        # Read again under the row lock: a row another sender claimed meanwhile is left alone.
        .where(OutboxMessage.status == MessageStatus.PENDING)
        .values(
            status=MessageStatus.SENDING,
            claimed_by=sender,
            claimed_at=now,
            attempts=OutboxMessage.attempts + 1,
        )
        .returning(*(getattr(OutboxMessage, name) for name in ClaimedMessage._fields))
        .execution_options(synchronize_session=False)
    )
    return sorted(ClaimedMessage(*row) for row in result)


_OUTBOX = OutboxMessage.__table__
# The outcome's statement: the same for every message (its values bound), built once.
_FINISH = _OUTBOX.update().where(
    _OUTBOX.c.id == bindparam("message_id"),
    _OUTBOX.c.claimed_by == bindparam("sender"),
    _OUTBOX.c.status == MessageStatus.SENDING,
)


@lru_cache(maxsize=16)
def _finish_statement(names: frozenset[str]):
    """The UPDATE that records an outcome setting these columns, built once (their values are
    bound, each with its column's type)."""
    return _FINISH.values({name: bindparam(name) for name in names})


def _finish(session: Session, message_id: int, sender: str, **values) -> bool:
    """Record the outcome, if the claim is still this sender's. A table UPDATE on the session's
    connection and transaction: a campaign records hundreds of thousands, and the ORM's bulk
    UPDATE took as long again to prepare the statement. The caller's pending changes (the
    personal link a message carries) are written with it, at the commit that follows."""
    result = session.connection().execute(
        _finish_statement(frozenset(values)),
        {**values, "message_id": message_id, "sender": sender},
    )
    return result.rowcount == 1


def mark_sent(session: Session, message_id: int, *, sender: str, now: datetime, title: str):
    return _finish(
        session,
        message_id,
        sender,
        status=MessageStatus.SENT,
        sent_at=now,
        title=title[:200],
        last_error=None,
    )


def mark_obsolete(session: Session, message_id: int, *, sender: str, reason: str) -> bool:
    return _finish(session, message_id, sender, status=MessageStatus.OBSOLETE, last_error=reason)


def mark_interrupted(session: Session, message_id: int, *, sender: str, error: str) -> bool:
    """The hand-over broke midway: the message may have arrived, so it is not sent again by
    itself."""
    return _finish(
        session, message_id, sender, status=MessageStatus.INTERRUPTED, last_error=error[:100]
    )


def mark_failed_attempt(
    session: Session,
    message_id: int,
    *,
    sender: str,
    attempts: int,
    now: datetime,
    error: str,
    permanent: bool = False,
) -> bool:
    """Try again later with backoff, or give up after the last delay (or at once if the failure
    cannot heal, such as an address the server refuses)."""
    if permanent or attempts > len(BACKOFF):
        values = {"status": MessageStatus.FAILED}
    else:
        values = {"status": MessageStatus.PENDING, "due_at": now + BACKOFF[attempts - 1]}
    return _finish(session, message_id, sender, last_error=error[:100], **values)


RETRYABLE = (MessageStatus.FAILED, MessageStatus.INTERRUPTED)


def retry(message: OutboxMessage, *, now: datetime) -> None:
    """A person asks to send a failed or interrupted message again."""
    if message.status not in RETRYABLE:
        raise RuleViolation(
            f"Seul un message en échec ou interrompu peut être renvoyé "
            f"(celui-ci est « {message.status.label} »)."
        )
    message.status = MessageStatus.PENDING
    message.due_at = now
    message.attempts = 0
    message.claimed_by = None
    message.claimed_at = None
