"""Referral: a person enters the pathway, with who sent them and the application checklist."""

from dataclasses import dataclass
from datetime import date

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from onboarding.pathway.dossier import create_checklist, create_checklists
from onboarding.pathway.errors import DuplicateError, RuleViolation
from onboarding.pathway.identifiers import (
    is_france_travail_id,
    is_phone,
    normalize_france_travail_id,
    normalize_phone,
)
from onboarding.pathway.models import Candidate, Commune, ReferralSource, StaffUser

NAME_MAX = 100


@dataclass
class Referral:
    first_name: str
    last_name: str
    commune_insee: str
    referral_source: ReferralSource | str
    referred_on: date
    is_job_seeker: bool = False
    france_travail_id: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    birth_date: date | None = None
    referred_by: str | None = None
    coordinator: StaffUser | None = None
    requested_capacity: int | None = None
    has_cap_aepe_units: bool = False


def normalize_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise RuleViolation("L'adresse e-mail n'est pas valide.", field="email") from None


def clean_names(data, missing: str) -> None:
    """First and last names stripped, present (else `missing`) and not too long."""
    for field in ("first_name", "last_name"):
        value = (getattr(data, field) or "").strip()
        if not value:
            raise RuleViolation(missing, field=field)
        if len(value) > NAME_MAX:
            raise RuleViolation(f"{NAME_MAX} caractères au plus.", field=field)
        setattr(data, field, value)


def normalize_phone_number(raw: str) -> str:
    number = normalize_phone(raw)
    if not is_phone(number):
        raise RuleViolation(
            "Le numéro de téléphone n'est pas valide (ex. 06 12 34 56 78).", field="phone"
        )
    return number


def clean_referral(
    session: Session,
    referral: Referral,
    *,
    today: date,
    current: Candidate | None = None,
    check_identifier_taken: bool = True,
) -> Referral:
    """Check and normalise what was typed; `current` is the candidate being edited, if any.
    An import, which looks for the people already followed in bulk, asks for no
    `check_identifier_taken`."""
    clean_names(referral, "Le prénom et le nom sont obligatoires.")
    if session.get(Commune, referral.commune_insee) is None:
        raise RuleViolation("Commune inconnue.", field="commune_insee")
    try:
        referral.referral_source = ReferralSource(referral.referral_source)
    except ValueError:
        raise RuleViolation(
            "Choisissez qui oriente la personne.", field="referral_source"
        ) from None
    if referral.referred_on > today:
        raise RuleViolation(
            "La date d'orientation ne peut pas être dans le futur.", field="referred_on"
        )
    if referral.birth_date and referral.birth_date >= today:
        raise RuleViolation("La date de naissance doit être passée.", field="birth_date")
    if referral.france_travail_id:
        referral.france_travail_id = normalize_france_travail_id(referral.france_travail_id)
        if not is_france_travail_id(referral.france_travail_id):
            raise RuleViolation(
                "L'identifiant France Travail compte 8 caractères (7 chiffres et une lettre ou "
                "un chiffre) ou 11 chiffres.",
                field="france_travail_id",
            )
    else:
        referral.france_travail_id = None
    referral.email = normalize_email(referral.email) if referral.email else None
    referral.phone = normalize_phone_number(referral.phone) if referral.phone else None
    if referral.requested_capacity is not None and not 1 <= referral.requested_capacity <= 4:
        raise RuleViolation("Le nombre d'enfants demandé va de 1 à 4.", field="requested_capacity")
    if referral.france_travail_id and check_identifier_taken:
        same_id = select(Candidate.id).where(
            Candidate.france_travail_id == referral.france_travail_id
        )
        if current is not None:
            same_id = same_id.where(Candidate.id != current.id)
        if session.scalar(same_id) is not None:
            raise DuplicateError(
                "Une personne avec cet identifiant France Travail est déjà suivie.",
                field="france_travail_id",
            )
    return referral


def refer_candidate(session: Session, referral: Referral, *, today: date) -> Candidate:
    candidate = create_referred(session, clean_referral(session, referral, today=today))
    session.flush()
    return candidate


def create_referred(session: Session, referral: Referral) -> Candidate:
    """The candidate of a referral already cleaned (`clean_referral`), with her checklist."""
    candidate = Candidate(**referral.__dict__)
    session.add(candidate)
    create_checklist(session, candidate)
    return candidate


def create_many_referred(session: Session, referrals: list[Referral]) -> list[Candidate]:
    """The candidates of many cleaned referrals (an import), flushed, their checklists written in
    one statement."""
    candidates = [Candidate(**referral.__dict__) for referral in referrals]
    session.add_all(candidates)
    session.flush()
    create_checklists(session, [candidate.id for candidate in candidates])
    return candidates
