"""Mise en relation accompagnée: an adviser sends a parent's requests to carers on her behalf.

The adviser searches with the parents' own search (`pathway.search`), picks at most five carers
the parents may see (`pathway.shown`), records the parent's consent, and sends: one
`ParentReferral` for the parent and one `ContactRequest` per carer pointing to it, each checked
and notified exactly as a parent's own request (`pathway.contact`), in one transaction.

"A parent", for the indicators (`pathway.indicators.intermediation`): a referral is one parent.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from onboarding.pathway import audit, contact
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.identifiers import is_france_travail_id, normalize_france_travail_id
from onboarding.pathway.models import AuditAction, ContactRequest, ParentReferral, StaffUser

# Product rule: an adviser sends at most five requests at once for a parent.
MAX_CARERS = 5
# The consent the adviser ticks; a new wording gets a new version.
CONSENT_VERSION = "2026-12-ft"
CONSENT_TEXT = (
    "Le parent a donné son accord pour que ses coordonnées et sa demande soient transmises aux "
    "assistantes maternelles choisies et à la coordination du département, et pour que sa "
    "conseillère suive ces mises en relation."
)


@dataclass(frozen=True)
class ReferralInput:
    request: contact.ContactInput
    carer_ids: tuple[int, ...]
    france_travail_id: str = ""


def referral_errors(data: ReferralInput, *, today: date) -> dict[str, str]:
    """The rules the referral breaks, by field, in French."""
    errors = contact.contact_errors(data.request, today=today)
    if "parent_name" in errors:
        errors["parent_name"] = "Indiquez le nom du parent."
    if "consent" in errors:
        errors["consent"] = "Cochez l'accord du parent : sans lui, rien n'est transmis."
    if data.france_travail_id and not is_france_travail_id(
        normalize_france_travail_id(data.france_travail_id)
    ):
        errors["france_travail_id"] = (
            "Identifiant France Travail invalide : 8 caractères (7 chiffres et 1 lettre ou "
            "chiffre) ou 11 chiffres."
        )
    count = len(set(data.carer_ids))
    if not count:
        errors["carers"] = "Choisissez au moins une assistante maternelle."
    elif count > MAX_CARERS:
        errors["carers"] = (
            f"Choisissez au plus {MAX_CARERS} assistantes maternelles : vous en avez coché {count}."
        )
    return errors


def refer_parent(
    session: Session,
    data: ReferralInput,
    *,
    adviser: StaffUser,
    today: date,
    now: datetime,
) -> ParentReferral:
    """Store the referral and its requests (not committed); a broken rule raises its French
    message and the caller rolls back."""
    errors = referral_errors(data, today=today)
    if errors:
        field, message = next(iter(errors.items()))
        raise RuleViolation(message, field=field)
    carers = []
    for carer_id in dict.fromkeys(data.carer_ids):
        carer = contact.public_carer(session, carer_id, today=today)
        if carer is None:
            raise RuleViolation(
                "Une des assistantes maternelles choisies n'est plus visible des parents : "
                "relancez la recherche.",
                field="carers",
            )
        carers.append(carer)
    parent = data.request
    referral = ParentReferral(
        adviser=adviser,
        parent_name=parent.parent_name,
        email=parent.email or None,
        phone=parent.phone or None,
        commune_insee=parent.commune_insee,
        is_job_seeker=parent.is_job_seeker,
        france_travail_id=normalize_france_travail_id(data.france_travail_id) or None,
        consent_at=now,
        consent_version=CONSENT_VERSION,
        created_at=now,
    )
    session.add(referral)
    session.flush()
    for carer in carers:
        contact.request_contact(session, carer, parent,
                                today=today, now=now, referral=referral)  # fmt: skip
    audit.record(session, actor=adviser, action=AuditAction.PARENT_REFERRAL,
                 object_type="ParentReferral", object_id=referral.id,
                 fields=["carers", "consent_at"])  # fmt: skip
    return referral


def requests_of(session: Session, referral_scope, *, adviser_id: int | None = None):
    """The referred requests in scope (a clause on ParentReferral), newest first; only one
    adviser's when `adviser_id` is given."""
    statement = (
        select(ContactRequest)
        .join(ParentReferral, ParentReferral.id == ContactRequest.referral_id)
        .where(referral_scope)
        .order_by(ParentReferral.created_at.desc(), ContactRequest.id)
    )
    if adviser_id is not None:
        statement = statement.where(ParentReferral.adviser_id == adviser_id)
    return session.scalars(statement)
