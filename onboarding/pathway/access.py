"""Personal access links: signed tokens carrying a person's id and the nonce of their current
link, so that issuing a new link revokes the previous one at once. Two kinds of holders: a
candidate (her pathway space) and a carer (her own space, for as long as she is a carer); each
kind signs with its own salt, so one's token never opens the other's space.

The secret and the moment are passed in as plain values: the domain knows no Flask app, and
tests can sign a token as if it had been issued weeks ago.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onboarding.pathway.base import utcnow
from onboarding.pathway.identifiers import phone_variants
from onboarding.pathway.models import Candidate, Carer

LINK_VALIDITY = timedelta(days=30)
# Keeps these tokens from being mistaken for any other value signed with the same key, and a
# candidate's token from a carer's.
SALTS = {Candidate: "candidate-access-link", Carer: "carer-access-link"}
# Whoever holds a link: a row with `id`, `access_nonce`, `access_issued_at`, `session_version`.
Holder = Candidate | Carer


class LinkRefused(Exception):
    """The link is expired, altered or revoked. Which one is not told to the visitor."""

    def __init__(self, reason: str):
        super().__init__(reason)
        # "expired", "altered", "revoked": for tests and counters, never shown.
        self.reason = reason


class ClockedSigner(TimestampSigner):
    """A timestamp signer that reads the time it is given instead of the system clock."""

    def __init__(self, *args, now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._now = now

    def get_timestamp(self) -> int:
        if self._now is None:
            return super().get_timestamp()
        return int(self._now.timestamp())


def _serializer(secret_key: str, now: datetime, kind: type = Candidate) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        secret_key, salt=SALTS[kind], signer=ClockedSigner, signer_kwargs={"now": now}
    )


def sign(
    holder_id: int, nonce: str, *, secret_key: str, now: datetime, kind: type = Candidate
) -> str:
    return _serializer(secret_key, now, kind).dumps({"c": holder_id, "n": nonce})


@dataclass(frozen=True)
class LinkClaim:
    candidate_id: int
    nonce: str


def read(token: str, *, secret_key: str, now: datetime, kind: type = Candidate) -> LinkClaim:
    """What a token claims, once its signature and age are checked; the database is not read."""
    try:
        payload = _serializer(secret_key, now, kind).loads(
            token, max_age=int(LINK_VALIDITY.total_seconds())
        )
    except SignatureExpired:
        raise LinkRefused("expired") from None
    except BadSignature:
        raise LinkRefused("altered") from None
    if not (
        isinstance(payload, dict)
        and isinstance(payload.get("c"), int)
        and isinstance(payload.get("n"), str)
    ):
        raise LinkRefused("altered")
    return LinkClaim(payload["c"], payload["n"])


def issue_link(holder: Holder, *, secret_key: str, now: datetime | None = None) -> str:
    """A new link for the candidate or carer: a fresh nonce, which revokes every earlier link."""
    now = now or utcnow()
    holder.access_nonce = secrets.token_hex(16)
    holder.access_issued_at = now
    return sign(holder.id, holder.access_nonce, secret_key=secret_key, now=now, kind=type(holder))


# Messages composed this close together are one piece of news on her channels (the e-mail and the
# SMS of a seat offered, or one run of the sender): they carry the same link, each one opening.
SAME_NEWS_WITHIN = timedelta(minutes=30)


def link_for_message(holder: Holder, *, secret_key: str, now: datetime | None = None) -> str:
    """The link a message carries: a new one, revoking earlier links as the messages say, unless
    her current link was issued moments ago for the same news, which is signed again rather than
    replaced (else the SMS's new link would kill the e-mail's, composed a second before)."""
    now = now or utcnow()
    issued = holder.access_issued_at
    if holder.access_nonce is None or issued is None or now - issued > SAME_NEWS_WITHIN:
        return issue_link(holder, secret_key=secret_key, now=now)
    return sign(holder.id, holder.access_nonce, secret_key=secret_key, now=issued,
                kind=type(holder))  # fmt: skip


def is_current(holder: Holder | None, nonce: str | None) -> bool:
    """Whether a link (or a session opened from it) still belongs to the holder's last link; an
    anonymised person's space is closed for good."""
    return (
        holder is not None
        and getattr(holder, "anonymised_at", None) is None
        and holder.access_nonce is not None
        and nonce is not None
        and secrets.compare_digest(holder.access_nonce, nonce)
    )


def session_is_current(holder: Holder | None, nonce: object, version: object) -> bool:
    """Whether a space session still stands: opened from the last link, and not signed out."""
    return (
        isinstance(nonce, str)
        and is_current(holder, nonce)
        and isinstance(version, int)
        and version == holder.session_version
    )


def end_sessions(holder: Holder) -> None:
    """Every session of the space ends (in every browser); the link still opens a new one."""
    holder.session_version = (holder.session_version or 0) + 1


def holder_for(session: Session, kind: type, token: str, *, secret_key: str, now: datetime):
    """The candidate or carer (`kind`) a token opens the space of, or LinkRefused."""
    claim = read(token, secret_key=secret_key, now=now, kind=kind)
    holder = session.get(kind, claim.candidate_id)
    if not is_current(holder, claim.nonce):
        raise LinkRefused("revoked")
    return holder


def candidate_for(session: Session, token: str, *, secret_key: str, now: datetime) -> Candidate:
    """The candidate a token opens the space of, or LinkRefused."""
    return holder_for(session, Candidate, token, secret_key=secret_key, now=now)


def carer_for(session: Session, token: str, *, secret_key: str, now: datetime) -> Carer:
    """The carer a token opens her own space for, or LinkRefused (also once she left)."""
    carer = holder_for(session, Carer, token, secret_key=secret_key, now=now)
    if carer.withdrawn_on is not None:
        raise LinkRefused("revoked")
    return carer


def _reached_at(session: Session, kind: type, typed: str, *still_there) -> list:
    typed = typed.strip()
    if not typed:
        return []
    query = select(kind).where(*still_there)
    if "@" in typed:
        query = query.where(func.lower(kind.email) == typed.lower())
    else:
        # "06 12 34 56 78" finds a number stored "+33612345678", and the other way round.
        spellings = phone_variants(typed)
        if not spellings:
            return []
        stored = kind.phone
        for separator in (" ", ".", "-", "(", ")"):
            stored = func.replace(stored, separator, "")
        query = query.where(stored.in_(sorted(spellings)))
    return list(session.scalars(query.limit(5)))


def candidates_reached_at(session: Session, typed: str) -> list[Candidate]:
    """The candidates whose email, or phone number, is the one typed (spacing and case aside).

    A person asking for a new link gives one of them; anonymised people are never found.
    """
    return _reached_at(session, Candidate, typed, Candidate.anonymised_at.is_(None))


def carers_reached_at(session: Session, typed: str) -> list[Carer]:
    """The carers (still carers) whose email or phone number is the one typed."""
    return _reached_at(session, Carer, typed, Carer.withdrawn_on.is_(None))
