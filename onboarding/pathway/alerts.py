"""Parents' alerts ("M'alerter"): from an empty or thin search, a parent leaves an email; once
she confirms it (double opt-in) the same search runs again every so often, and she is told once
when a place matching it is published or confirmed within her radius. One click stops it; an
alert is deleted 6 months after it was made.

A match is found by the parents' search itself (`search.search`): the rule of who may be shown,
the radius, the ages, the dates and the half-days are the search's, never rewritten here.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from onboarding.pathway import outbox, search
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import MessageKind, SearchAlert, Vacancy

CONSENT_VERSION = "2026-12"
KEPT_FOR = relativedelta(months=6)
# How often a watching alert runs its search again.
CHECK_EVERY = timedelta(minutes=30)


@dataclass(frozen=True)
class AlertInput:
    email: str
    consent: bool
    query: search.SearchQuery


def create_alert(session: Session, data: AlertInput, *, now: datetime) -> SearchAlert:
    """Store the alert, unconfirmed, and queue the email that asks to confirm it."""
    if not data.consent:
        raise RuleViolation("Votre accord est nécessaire pour recevoir l'alerte.", field="consent")
    try:
        email = validate_email(data.email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise RuleViolation("L'adresse e-mail n'est pas valide.", field="email") from None
    query = data.query
    alert = SearchAlert(
        token=secrets.token_urlsafe(24),
        email=email,
        commune_insee=query.commune_insee,
        radius_km=query.radius_km,
        birth_date=query.birth_date,
        start=query.start,
        half_days=query.half_days,
        needs=query.needs,
        setting=query.setting_value,
        consent_version=CONSENT_VERSION,
        created_at=now,
    )
    session.add(alert)
    session.flush()
    outbox.enqueue(session, MessageKind.ALERT_CONFIRMATION, subject_id=alert.id, due_at=now)
    return alert


def _by_token(session: Session, token: str) -> SearchAlert | None:
    if not token or len(token) > 43:
        return None
    return session.scalar(select(SearchAlert).where(SearchAlert.token == token))


def confirm(session: Session, token: str, *, now: datetime) -> SearchAlert | None:
    """The email is hers: the alert starts watching. None for an unknown or stopped link."""
    alert = _by_token(session, token)
    if alert is None or alert.stopped_at is not None:
        return None
    if alert.confirmed_at is None:
        alert.confirmed_at = now
        alert.checked_at = None
    return alert


def stop(session: Session, token: str, *, now: datetime) -> SearchAlert | None:
    alert = _by_token(session, token)
    if alert is not None and alert.stopped_at is None:
        alert.stopped_at = now
    return alert


def query_of(alert: SearchAlert, *, today: date) -> search.SearchQuery:
    """The alert's search, as it runs today (a start date passed meanwhile becomes today)."""
    return search.SearchQuery(
        commune_insee=alert.commune_insee,
        radius_km=alert.radius_km,
        birth_date=alert.birth_date,
        start=max(alert.start, today),
        half_days=alert.half_days,
        needs=alert.needs,
        setting=search.CareSetting(alert.setting),
    )


def new_matches(session: Session, alert: SearchAlert, *, today: date) -> list[search.Hit]:
    """Places of the search published, changed or confirmed since the alert was confirmed."""
    page = search.search(session, query_of(alert, today=today), today=today)
    if not page.hits:
        return []
    changed = dict(
        session.execute(
            select(Vacancy.id, Vacancy.updated_at).where(
                Vacancy.id.in_([hit.vacancy.id for hit in page.hits])
            )
        ).all()
    )
    since = alert.confirmed_at
    return [
        hit
        for hit in page.hits
        if hit.confirmed_on > since.date() or changed.get(hit.vacancy.id, since) > since
    ]


def check_due(session: Session, *, now: datetime, today: date, limit: int = 200) -> int:
    """Delete the alerts past their keeping time; run the search of the watching alerts not
    checked lately, and queue one message for each that found a new place. Returns how many."""
    session.execute(delete(SearchAlert).where(SearchAlert.created_at < now - KEPT_FOR))
    due = session.scalars(
        select(SearchAlert)
        .where(
            SearchAlert.confirmed_at.is_not(None),
            SearchAlert.told_at.is_(None),
            SearchAlert.stopped_at.is_(None),
            or_(SearchAlert.checked_at.is_(None), SearchAlert.checked_at < now - CHECK_EVERY),
        )
        .order_by(SearchAlert.checked_at.is_not(None), SearchAlert.checked_at)
        .limit(limit)
    ).all()
    told = 0
    for alert in due:
        alert.checked_at = now
        try:
            matches = new_matches(session, alert, today=today)
        except search.UnknownCommune:
            alert.stopped_at = now
            continue
        if matches:
            alert.told_at = now
            outbox.enqueue(
                session,
                MessageKind.ALERT_MATCH,
                subject_id=alert.id,
                occasion=now.isoformat(timespec="seconds"),
                due_at=now,
            )
            told += 1
    return told
