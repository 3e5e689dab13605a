"""Parents' requests to be put in contact with a carer (mise en relation), and who is shown."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from onboarding.pathway import audit, notifications, search, shown
from onboarding.pathway.carers import MAX_AGE_MONTHS
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import (
    AuditAction,
    Carer,
    ContactOutcome,
    ContactRequest,
    ParentReferral,
    StaffUser,
)
from onboarding.pathway.search import VacancyFacts, age_in_months, latest_start

# The text of the consent the form shows; a new wording gets a new version.
CONSENT_VERSION = "2026-03"


def public_carer(session: Session, carer_id: int, *, today: date) -> Carer | None:
    """The carer as parents may see her today (`pathway.shown`), else None."""
    return session.scalar(
        select(Carer)
        .options(selectinload(Carer.vacancies), selectinload(Carer.commune))
        .where(Carer.id == carer_id, shown.carer_clause(values=shown.parameters(
            today=today, care_from=today)))
    )  # fmt: skip


def current_vacancies(carer: Carer) -> list[VacancyFacts]:
    """Her places as parents see them, soonest offered first (all of them: one free later is
    still worth asking about), each offered from the end of her training at the earliest."""
    return [search.vacancy_facts(vacancy, carer)
            for vacancy, _ in shown.offered_places(carer)]  # fmt: skip


@dataclass(frozen=True)
class ContactInput:
    parent_name: str
    email: str | None
    phone: str | None
    commune_insee: str
    # None when the form could not read the date (it says so itself).
    child_birth_date: date | None
    start_date: date | None
    half_days: int
    needs: int
    is_job_seeker: bool
    message: str
    consent: bool


def contact_errors(data: ContactInput, *, today: date) -> dict[str, str]:
    """The rules the request breaks, by field, in French (formats are the form's job)."""
    errors = {}
    if not data.email and not data.phone:
        message = "Indiquez une adresse e-mail ou un numéro de téléphone (au moins l'un des deux)."
        errors["email"] = message
        errors["phone"] = message
    if not data.parent_name:
        errors["parent_name"] = "Indiquez votre nom."
    if data.start_date is None:
        errors["start_date"] = "Indiquez la date de début souhaitée."
    elif data.start_date < today:
        errors["start_date"] = "La date de début ne peut pas être dans le passé."
    elif data.start_date > latest_start(today):
        errors["start_date"] = "La date de début doit être dans les deux ans qui viennent."
    if data.child_birth_date is None:
        errors["child_birth_date"] = "Indiquez la date de naissance (ou prévue) de l'enfant."
    elif data.start_date is None:
        pass
    elif data.child_birth_date > data.start_date:
        errors["child_birth_date"] = "L'enfant doit être né à la date de début de l'accueil."
    elif age_in_months(data.child_birth_date, data.start_date) > MAX_AGE_MONTHS:
        errors["child_birth_date"] = "L'enfant doit avoir moins de 18 ans à la date de début."
    if not data.commune_insee:
        errors["commune"] = "Indiquez votre commune ou votre code postal."
    if not data.consent:
        errors["consent"] = "Votre accord est nécessaire pour transmettre votre demande."
    return errors


def request_contact(
    session: Session,
    carer: Carer,
    data: ContactInput,
    *,
    today: date,
    now: datetime,
    referral: ParentReferral | None = None,
) -> ContactRequest:
    """Store the request (not committed); a broken rule raises with the first French message.
    Sent by an adviser on the parent's behalf, it carries her `referral` and its consent."""
    errors = contact_errors(data, today=today)
    if errors:
        field, message = next(iter(errors.items()))
        raise RuleViolation(message, field=field)
    request = ContactRequest(
        carer=carer,
        parent_name=data.parent_name,
        email=data.email or None,
        phone=data.phone or None,
        commune_insee=data.commune_insee,
        child_birth_date=data.child_birth_date,
        start_date=data.start_date,
        half_days=data.half_days,
        needs=data.needs,
        is_job_seeker=data.is_job_seeker,
        message=data.message,
        consent_at=referral.consent_at if referral else now,
        consent_version=referral.consent_version if referral else CONSENT_VERSION,
        referral=referral,
    )
    if referral is not None:
        request.created_at = referral.created_at
    session.add(request)
    session.flush()
    notifications.contact_requested(session, request)
    return request


def set_outcome(
    session: Session,
    request: ContactRequest,
    outcome: ContactOutcome,
    *,
    by: StaffUser | None,
    today: date,
) -> ContactRequest:
    """What came of the request, on which day and who recorded it (back to new: no date)."""
    request.outcome = ContactOutcome(outcome)
    request.outcome_on = None if request.outcome == ContactOutcome.NEW else today
    request.handled_by = by
    audit.record(session, actor=by, action=AuditAction.CONTACT_OUTCOME,
                 object_type="ContactRequest", object_id=request.id,
                 fields=["handled_by", "outcome", "outcome_on"])  # fmt: skip
    return request
