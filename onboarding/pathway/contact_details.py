"""A candidate corrects their own phone, email and address; an approved carer's profile follows."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from onboarding.pathway import audit
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.identifiers import is_phone, normalize_phone
from onboarding.pathway.models import AuditAction, Candidate
from onboarding.pathway.referral import normalize_email

ADDRESS_MAX = 200
FIELDS = ("email", "phone", "address")


@dataclass(frozen=True)
class ContactDetails:
    email: str | None
    phone: str | None
    address: str | None


def clean_contact_details(details: ContactDetails) -> ContactDetails:
    """Normalised values, or a RuleViolation naming the field; empty strings become None."""
    email = (details.email or "").strip()
    email = normalize_email(email) if email else None
    phone = normalize_phone(details.phone or "") or None
    if phone is not None and not is_phone(phone):
        raise RuleViolation(
            "Le numéro de téléphone n'est pas valide (ex. 06 12 34 56 78).", field="phone"
        )
    address = " ".join((details.address or "").split()) or None
    if address is not None and len(address) > ADDRESS_MAX:
        raise RuleViolation(f"L'adresse compte {ADDRESS_MAX} caractères au plus.", field="address")
    if email is None and phone is None:
        raise RuleViolation(
            "Indiquez au moins une adresse e-mail ou un numéro de téléphone, pour que votre "
            "conseiller puisse vous joindre.",
            field="email",
        )
    return ContactDetails(email, phone, address)


def correct_contact_details(
    session: Session, candidate: Candidate, details: ContactDetails
) -> list[str]:
    """Check, then change, and keep the change in the audit log (her own: no staff member to
    name); returns the names of the fields changed."""
    cleaned = clean_contact_details(details)
    changed = [name for name in FIELDS if getattr(candidate, name) != getattr(cleaned, name)]
    for name in changed:
        setattr(candidate, name, getattr(cleaned, name))
    carer = candidate.carer
    if carer is not None and changed:
        for name in changed:
            setattr(carer, name, getattr(cleaned, name))
        # R421-39: one contact stays visible to parents. When the only one shown is gone,
        # the other one is shown instead.
        if not ((carer.show_email and carer.email) or (carer.show_phone and carer.phone)):
            carer.show_email = carer.email is not None
            carer.show_phone = carer.phone is not None
        if not carer.address:
            carer.show_address = False
    if changed:
        audit.record(
            session, actor=None, action=AuditAction.CANDIDATE_UPDATE, object_type="Candidate",
            object_id=candidate.id, fields=changed,
        )  # fmt: skip
    return changed
