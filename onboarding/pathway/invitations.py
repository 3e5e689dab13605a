"""Inviting a carer to her own space: a carer imported from a PMI or RPE list has no candidate's
link, so she is sent her own (by email), or given it on paper when she has no email."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from onboarding.pathway import access, audit, notifications
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import AuditAction, Carer, StaffUser


@dataclass(frozen=True)
class Invitation:
    # "email": queued in the outbox (the link is issued when it leaves); "letter": the caller
    # prints `token` (issued now) on the letter.
    by: str
    token: str | None = None


def has_access(carer: Carer) -> bool:
    """Whether she was ever given a way into her space (her link, or her candidate's)."""
    return carer.access_issued_at is not None or carer.candidate_id is not None


def _record(session: Session, carer: Carer, *, now: datetime, by: StaffUser | None) -> None:
    if carer.withdrawn_on is not None:
        raise RuleViolation("Elle n'est plus assistante maternelle : pas d'invitation.")
    carer.invited_at = now
    audit.record(
        session, actor=by, action=AuditAction.CARER_INVITE, object_type="Carer",
        object_id=carer.id, fields=["invited_at"],
    )  # fmt: skip


def invite_by_email(
    session: Session, carer: Carer, *, now: datetime, by: StaffUser | None = None
) -> None:
    """Queue her invitation by email (her link is issued when it leaves). Not committed."""
    invite_many_by_email(session, [carer], now=now, by=by)


def invite_many_by_email(
    session: Session, carers: list[Carer], *, now: datetime, by: StaffUser | None = None
) -> None:
    """`invite_by_email` for many carers at once (an import): their invitations are queued
    together. Not committed."""
    for carer in carers:
        if not carer.email:
            raise RuleViolation("Elle n'a pas d'adresse e-mail : imprimez son invitation.")
        _record(session, carer, now=now, by=by)
    notifications.carer_links_sent(session, carers)


def invite_carer(
    session: Session,
    carer: Carer,
    *,
    secret_key: str,
    now: datetime,
    by: StaffUser | None = None,
    letter: bool = False,
) -> Invitation:
    """Invite her: by email when she has one (unless a `letter` is asked), else a letter whose
    link is issued now. Not committed; audited with who invited her."""
    if carer.email and not letter:
        invite_by_email(session, carer, now=now, by=by)
        return Invitation("email")
    _record(session, carer, now=now, by=by)
    return Invitation("letter", access.issue_link(carer, secret_key=secret_key, now=now))
