"""Carers: created from a positive agrément decision, their vacancies checked before being kept."""

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import AgrementDecision, Candidate, Carer, Commune, Vacancy
from onboarding.pathway.schedule import FULL_WEEK

# Product rules (DOMAIN.md): unconfirmed for 6 months is stale; approved within 12 months is new.
STALE_AFTER = relativedelta(months=6)
NEWLY_APPROVED_WITHIN = relativedelta(months=12)
# Children are cared for from birth to 18 (216 months); periscolaire covers school ages.
MAX_AGE_MONTHS = 216


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
            # Shown by default, each only when she has one (R421-39 lets her hide one of them).
            show_email=candidate.email is not None or candidate.phone is None,
            show_phone=candidate.phone is not None or candidate.email is None,
        )
        session.add(carer)
    else:
        carer.agrement_capacity = decision.capacity
    return carer


def is_stale(carer: Carer, today: date) -> bool:
    return carer.last_confirmed_on is None or carer.last_confirmed_on < today - STALE_AFTER


def is_newly_approved(carer: Carer, today: date) -> bool:
    return carer.agrement_on > today - NEWLY_APPROVED_WITHIN


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


def add_vacancy(session: Session, carer: Carer, data: VacancyInput, *, today: date) -> Vacancy:
    check_vacancy(data, today=today)
    vacancy = Vacancy(carer=carer, **data.__dict__)
    session.add(vacancy)
    return vacancy
