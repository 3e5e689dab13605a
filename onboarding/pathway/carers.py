"""Carers: created from a positive agrément decision; what parents see of them (profile,
vacancies) checked before being kept; and the twice-yearly confirmation of their availability."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from onboarding.pathway import audit, training  # modules: it imports the models, which import us
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import (
    AgrementDecision,
    AuditAction,
    Candidate,
    Carer,
    Commune,
    Vacancy,
)
from onboarding.pathway.schedule import FULL_WEEK, HALF_DAY_LABELS, HALF_DAYS

# Product rules: unconfirmed for 6 months is stale; approved within 12 months is new.
STALE_AFTER = relativedelta(months=6)
NEWLY_APPROVED_WITHIN = relativedelta(months=12)
# Children are cared for from birth to 18 (216 months); periscolaire covers school ages.
MAX_AGE_MONTHS = 216
# Atypical hours: a day starting before 7 h is "early", one ending after 19 h "late".
EARLY_BEFORE = time(7, 0)
LATE_AFTER = time(19, 0)
PRESENTATION_MAX = 1000
# The wording of the publication consent she ticks; each consent keeps the version it was given to.
PUBLICATION_CONSENT_VERSION = "2026-01"
# R421-39: availability declared at least before 1 June and 1 December; the page starts asking
# a month before each (product rule).
CONFIRMATION_CAMPAIGNS = ((5, 6), (11, 12))  # (month it opens, month of the 1st it is due by)


def carer_from_decision(
    session: Session, candidate: Candidate, decision: AgrementDecision
) -> Carer:
    """The carer's profile, unpublished until she consents; a later decision updates it."""
    carer = candidate.carer
    if carer is None:
        commune = session.get(Commune, candidate.commune_insee)
        carer = Carer(
            candidate=candidate,
            first_name=candidate.first_name,
            last_name=candidate.last_name,
            email=candidate.email,
            phone=candidate.phone,
            address=candidate.address,
            commune_insee=candidate.commune_insee,
            latitude=commune.latitude,
            longitude=commune.longitude,
            agrement_on=decision.decided_on,
            agrement_capacity=decision.capacity,
            agrement_expires_on=decision.valid_until,
            training_part1_on=training.part1_done_on(candidate),
            # Shown by default, each only when she has one (R421-39 lets her hide one of them).
            show_email=candidate.email is not None or candidate.phone is None,
            show_phone=candidate.phone is not None or candidate.email is None,
        )
        session.add(carer)
    else:
        carer.agrement_capacity = decision.capacity
        carer.agrement_expires_on = decision.valid_until
    return carer


# The days these give change once a day: each search and each card asks them, each is
# reckoned once a day (a month's arithmetic with relativedelta takes a few microseconds).
@lru_cache(maxsize=16)
def fresh_since(today: date) -> date:
    """Availabilities confirmed on or after that day are not stale."""
    return today - STALE_AFTER


def is_stale(carer: Carer, today: date) -> bool:
    return carer.last_confirmed_on is None or carer.last_confirmed_on < fresh_since(today)


def stale_from(confirmed_on: date) -> date:
    """The first day availabilities confirmed on that day are stale (the day parents stop
    seeing her), by `fresh_since`'s own rule: month ends make a simple sum wrong by a day."""
    day = confirmed_on + STALE_AFTER - timedelta(days=4)
    while confirmed_on >= fresh_since(day):
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=16)
def newly_approved_after(today: date) -> date:
    """A carer approved after that day is newly approved."""
    return today - NEWLY_APPROVED_WITHIN


def is_newly_approved(carer: Carer, today: date) -> bool:
    return carer.agrement_on > newly_approved_after(today)


@dataclass(frozen=True)
class VacancyInput:
    available_from: date
    age_min_months: int
    age_max_months: int
    half_days: int
    early: bool = False
    late: bool = False
    night: bool = False
    periscolaire: bool = False
    holidays: bool = False
    emergency: bool = False
    disability: bool = False
    day_starts_at: time | None = None
    day_ends_at: time | None = None


def check_vacancy(data: VacancyInput, *, today: date) -> None:
    if data.available_from < today:
        raise RuleViolation(
            "La date de disponibilité ne peut pas être dans le passé.", field="available_from"
        )
    if (
        not 0 <= data.age_min_months <= MAX_AGE_MONTHS
        or not 0 <= data.age_max_months <= MAX_AGE_MONTHS
    ):
        raise RuleViolation("Les âges vont de 0 à 216 mois (18 ans).", field="age_min_months")
    if data.age_min_months > data.age_max_months:
        raise RuleViolation(
            "L'âge minimum dépasse l'âge maximum : la tranche d'âge est inversée.",
            field="age_max_months",
        )
    if not 0 < data.half_days <= FULL_WEEK:
        raise RuleViolation("Cochez au moins une demi-journée de la semaine.", field="half_days")
    if (data.day_starts_at is None) != (data.day_ends_at is None):
        raise RuleViolation(
            "Indiquez l'heure de début et l'heure de fin de journée, ou aucune des deux.",
            field="day_ends_at" if data.day_ends_at is None else "day_starts_at",
        )
    if data.day_starts_at is not None and data.day_ends_at <= data.day_starts_at:
        raise RuleViolation(
            "L'heure de fin de journée doit venir après l'heure de début.", field="day_ends_at"
        )


def _vacancy_values(data: VacancyInput) -> dict:
    """The columns of a vacancy; hours outside 7 h–19 h count as early or late care."""
    values = dict(data.__dict__)
    if data.day_starts_at is not None and data.day_starts_at < EARLY_BEFORE:
        values["early"] = True
    if data.day_ends_at is not None and data.day_ends_at > LATE_AFTER:
        values["late"] = True
    return values


def check_capacity(carer: Carer, half_days: int, *, replacing: Vacancy | None = None) -> None:
    """L421-4: her places never take more children at once than her agrément allows, counted
    per half-day of the week across all her places."""
    others = [v for v in carer.vacancies if v is not replacing]
    over = [
        (name, 1 + sum(v.half_days >> bit & 1 for v in others))
        for bit, name in enumerate(HALF_DAYS)
        if half_days >> bit & 1
    ]
    over = [(name, places) for name, places in over if places > carer.agrement_capacity]
    if not over:
        return
    allowed = carer.agrement_capacity
    most = max(places for _, places in over)
    when = ", ".join(HALF_DAY_LABELS[name].lower() for name, _ in over)
    raise RuleViolation(
        f"Votre agrément vous autorise à accueillir {allowed} enfant{'s' if allowed > 1 else ''} "
        f"en même temps : avec cette place, vous en proposeriez {most} à la fois ({when}). "
        "Retirez ces demi-journées ou une autre place.",
        field="half_days",
    )


def add_vacancy(session: Session, carer: Carer, data: VacancyInput, *, today: date) -> Vacancy:
    check_vacancy(data, today=today)
    check_capacity(carer, data.half_days)
    vacancy = Vacancy(carer=carer, **_vacancy_values(data))
    session.add(vacancy)
    return vacancy


def update_vacancy(vacancy: Vacancy, data: VacancyInput, *, today: date) -> None:
    check_vacancy(data, today=today)
    check_capacity(vacancy.carer, data.half_days, replacing=vacancy)
    for name, value in _vacancy_values(data).items():
        setattr(vacancy, name, value)


def remove_vacancy(session: Session, vacancy: Vacancy) -> None:
    session.delete(vacancy)


def confirm_availability(carer: Carer, *, today: date) -> None:
    """She says her places (or the lack of them) are up to date today."""
    carer.last_confirmed_on = today


def declare_no_vacancy(session: Session, carer: Carer, *, today: date) -> int:
    """ "No place for now": every vacancy removed, and that situation confirmed as of today."""
    removed = list(carer.vacancies)
    for vacancy in removed:
        session.delete(vacancy)
    session.flush()
    session.expire(carer, ["vacancies"])
    confirm_availability(carer, today=today)
    return len(removed)


@dataclass(frozen=True)
class AvailabilityReminder:
    """The confirmation asked of her: due before `due_on`, and whether that day has passed."""

    due_on: date
    overdue: bool


# Product rule: a carer approved less than two months before a deadline is not asked for it
# (nor told she is late): her first deadline is the next one.
NEW_CARER_GRACE = relativedelta(months=2)


def concerned_by_deadline(agrement_on: date, due_on: date) -> bool:
    return agrement_on < due_on - NEW_CARER_GRACE


def availability_reminder(carer: Carer, today: date) -> AvailabilityReminder | None:
    """From 1 May (1 November) until she confirms, she is asked to do so before 1 June
    (1 December); a confirmation since the campaign opened answers it. A deadline that passed
    before her agrément does not concern her."""
    opened_on = max(
        date(year, opens, 1)
        for year in (today.year - 1, today.year)
        for opens, _ in CONFIRMATION_CAMPAIGNS
        if date(year, opens, 1) <= today
    )
    due_month = dict(CONFIRMATION_CAMPAIGNS)[opened_on.month]
    due_on = date(opened_on.year, due_month, 1)
    if not concerned_by_deadline(carer.agrement_on, due_on):
        # Approved after that deadline, or too shortly before it: her first one is the next.
        return None
    if carer.last_confirmed_on is not None and carer.last_confirmed_on >= opened_on:
        return None
    return AvailabilityReminder(due_on, overdue=today >= due_on)


@dataclass(frozen=True)
class ProfileInput:
    """What parents see of her, as she sets it from her space."""

    is_published: bool
    presentation: str
    commune_insee: str
    show_address: bool
    show_email: bool
    show_phone: bool
    # She ticked the publication consent (needed to publish unless already given).
    consents: bool = False


def update_profile(
    session: Session, carer: Carer, data: ProfileInput, *, now: datetime
) -> list[str]:
    """Check everything, then change the profile (the carer's own change, kept in the audit
    log); returns the names of the fields changed."""
    presentation = (data.presentation or "").strip()
    if len(presentation) > PRESENTATION_MAX:
        raise RuleViolation(
            f"La présentation compte {len(presentation)} caractères : {PRESENTATION_MAX} au plus.",
            field="presentation",
        )
    commune = session.get(Commune, data.commune_insee or "")
    if commune is None:
        raise RuleViolation("Commune inconnue.", field="commune")
    if data.show_address and not carer.address:
        raise RuleViolation(
            "Vous n'avez pas d'adresse enregistrée : ajoutez-la dans vos coordonnées avant de "
            "l'afficher.",
            field="show_address",
        )
    shown_contact = (data.show_email and carer.email) or (data.show_phone and carer.phone)
    if not shown_contact:
        raise RuleViolation(
            "Laissez visible au moins un moyen de vous joindre : votre e-mail ou votre "
            "téléphone (art. R421-39 du code de l'action sociale et des familles).",
            field="show_email",
        )
    consented = carer.publication_consent_version == PUBLICATION_CONSENT_VERSION
    if data.is_published and not (consented or data.consents):
        raise RuleViolation(
            "Pour publier votre profil, cochez l'accord de publication de vos coordonnées.",
            field="consents",
        )
    values = {
        "is_published": data.is_published,
        "presentation": presentation,
        "commune_insee": commune.insee_code,
        "latitude": commune.latitude,
        "longitude": commune.longitude,
        "show_address": data.show_address,
        "show_email": data.show_email,
        "show_phone": data.show_phone,
    }
    if data.is_published and data.consents and not consented:
        values["publication_consent_at"] = now
        values["publication_consent_version"] = PUBLICATION_CONSENT_VERSION
    changed = [name for name, value in values.items() if getattr(carer, name) != value]
    for name in changed:
        setattr(carer, name, values[name])
    if changed:
        # Her own change: no staff member to name.
        audit.record(
            session, actor=None, action=AuditAction.CARER_UPDATE, object_type="Carer",
            object_id=carer.id, fields=changed,
        )  # fmt: skip
    return changed
