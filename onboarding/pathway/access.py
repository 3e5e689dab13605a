"""Personal access links for candidates: signed tokens carrying the candidate's id and the nonce
of their current link, so that issuing a new link revokes the previous one at once.

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
from onboarding.pathway.identifiers import is_phone, normalize_phone
from onboarding.pathway.models import Candidate

LINK_VALIDITY = timedelta(days=30)
# Keeps these tokens from being mistaken for any other value signed with the same key.
SALT = "candidate-access-link"


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


def _serializer(secret_key: str, now: datetime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        secret_key, salt=SALT, signer=ClockedSigner, signer_kwargs={"now": now}
    )


def sign(candidate_id: int, nonce: str, *, secret_key: str, now: datetime) -> str:
    return _serializer(secret_key, now).dumps({"c": candidate_id, "n": nonce})


@dataclass(frozen=True)
class LinkClaim:
    candidate_id: int
    nonce: str


def read(token: str, *, secret_key: str, now: datetime) -> LinkClaim:
    """What a token claims, once its signature and age are checked; the database is not read."""
    try:
        payload = _serializer(secret_key, now).loads(
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


def issue_link(candidate: Candidate, *, secret_key: str, now: datetime | None = None) -> str:
    """A new link for the candidate: a fresh nonce, which revokes every earlier link."""
    now = now or utcnow()
    candidate.access_nonce = secrets.token_hex(16)
    candidate.access_issued_at = now
    return sign(candidate.id, candidate.access_nonce, secret_key=secret_key, now=now)


def is_current(candidate: Candidate | None, nonce: str | None) -> bool:
    """Whether a link (or a session opened from it) still belongs to the candidate's last link."""
    return (
        candidate is not None
        and candidate.access_nonce is not None
        and nonce is not None
        and secrets.compare_digest(candidate.access_nonce, nonce)
    )


def session_is_current(candidate: Candidate | None, nonce: object, version: object) -> bool:
    """Whether a space session still stands: opened from the last link, and not signed out."""
    return (
        isinstance(nonce, str)
        and is_current(candidate, nonce)
        and isinstance(version, int)
        and version == candidate.session_version
    )


def end_sessions(candidate: Candidate) -> None:
    """Every session of the space ends (in every browser); the link still opens a new one."""
    candidate.session_version = (candidate.session_version or 0) + 1


def candidate_for(session: Session, token: str, *, secret_key: str, now: datetime) -> Candidate:
    """The candidate a token opens the space of, or LinkRefused."""
    claim = read(token, secret_key=secret_key, now=now)
    candidate = session.get(Candidate, claim.candidate_id)
    if not is_current(candidate, claim.nonce):
        raise LinkRefused("revoked")
    return candidate


def candidates_reached_at(session: Session, typed: str) -> list[Candidate]:
    """The candidates whose email, or phone number, is the one typed (spacing and case aside).

    A person asking for a new link gives one of them; anonymised people are never found.
    """
    typed = typed.strip()
    if not typed:
        return []
    query = select(Candidate).where(Candidate.anonymised_at.is_(None))
    if "@" in typed:
        query = query.where(func.lower(Candidate.email) == typed.lower())
    else:
        number = normalize_phone(typed)
        if not is_phone(number):
            return []
        stored = Candidate.phone
        for separator in (" ", ".", "-", "(", ")"):
            stored = func.replace(stored, separator, "")
        query = query.where(stored == number)
    return list(session.scalars(query.limit(5)))
