"""Pre-registrations: the public request to become an assistant maternel, the queue of each
département, and the coordinator's answer (accepted into the pathway, or closed with a reason).

Why a record of its own rather than a first status of Candidate: a request nobody has looked
at yet is not a referral. Kept apart, it never enters the candidates' list, the cohorts, the
funnel or the deadlines; accepting it refers a Candidate through the usual referral, with the
referring structure and date chosen then, so every indicator starts on that day."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onboarding.pathway import audit, clock, outbox, scope
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.identifiers import is_mobile_phone, is_phone, normalize_phone
from onboarding.pathway.models import (
    AuditAction,
    Candidate,
    Channel,
    Commune,
    MessageKind,
    PreRegistration,
    PreRegistrationStatus,
    ReferralSource,
    Situation,
    StaffUser,
)
from onboarding.pathway.referral import Referral, clean_names, normalize_email, refer_candidate

# The consent text's version, kept with each request (templates/public/pre_registration.html).
CONSENT_VERSION = "2026-12"
MESSAGE_MAX = 1000
TO_QUALIFY = PreRegistrationStatus.TO_QUALIFY


@dataclass
class PreRegistrationInput:
    first_name: str
    last_name: str
    commune_insee: str
    situation: Situation | str
    email: str | None = None
    phone: str | None = None
    message: str = ""
    consent: bool = False


def _checked(session: Session, data: PreRegistrationInput) -> PreRegistrationInput:
    clean_names(data, "Indiquez votre prénom et votre nom.")
    data.email = normalize_email(data.email) if (data.email or "").strip() else None
    if (data.phone or "").strip():
        data.phone = normalize_phone(data.phone)
        if not is_phone(data.phone):
            raise RuleViolation(
                "Le numéro de téléphone n'est pas valide (par exemple 06 12 34 56 78).",
                field="phone",
            )
    else:
        data.phone = None
    if data.email is None and data.phone is None:
        raise RuleViolation(
            "Indiquez une adresse e-mail ou un numéro de téléphone pour que l'on vous réponde.",
            field="email",
        )
    if not data.commune_insee or session.get(Commune, data.commune_insee) is None:
        raise RuleViolation("Commune introuvable : vérifiez l'orthographe.", field="commune")
    try:
        data.situation = Situation(data.situation)
    except ValueError:
        raise RuleViolation("Choisissez votre situation.", field="situation") from None
    data.message = (data.message or "").strip()
    if len(data.message) > MESSAGE_MAX:
        raise RuleViolation(f"{MESSAGE_MAX} caractères au plus.", field="message")
    if not data.consent:
        raise RuleViolation(
            "Cochez la case pour que l'équipe de votre département puisse traiter votre demande.",
            field="consent",
        )
    return data


def _acknowledge(session: Session, request: PreRegistration, kind: MessageKind) -> None:
    """By email when she gave one, else by text message to her mobile."""
    if request.email:
        channel = Channel.EMAIL
    elif is_mobile_phone(request.phone):
        channel = Channel.SMS
    else:
        return  # a landline: the coordinators call her back
    outbox.enqueue(session, kind, subject_id=request.id, channel=channel, due_at=clock.now())


def pre_register(session: Session, data: PreRegistrationInput) -> PreRegistration:
    """Record the request in the queue of her département, and acknowledge it."""
    data = _checked(session, data)
    request = PreRegistration(
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email,
        phone=data.phone,
        commune_insee=data.commune_insee,
        situation=data.situation,
        message=data.message,
        consent_version=CONSENT_VERSION,
        created_at=clock.now(),
    )
    session.add(request)
    session.flush()
    _acknowledge(session, request, MessageKind.PRE_REGISTRATION_RECEIVED)
    return request


def queue_query(user: StaffUser):
    """The requests to qualify in the user's départements, oldest first."""
    return (
        select(PreRegistration)
        .where(
            PreRegistration.status == TO_QUALIFY,
            scope.department_filter(user, PreRegistration.department_code),
        )
        .order_by(PreRegistration.created_at, PreRegistration.id)
    )


def count_to_qualify(session: Session, user: StaffUser) -> int:
    query = queue_query(user).order_by(None).with_only_columns(func.count())
    return session.scalar(query) or 0


def _still_to_qualify(request: PreRegistration) -> None:
    if request.status != TO_QUALIFY:
        raise RuleViolation(f"Cette demande est déjà traitée (« {request.status.label} »).")


def _decided(session, request, status, actor, action) -> None:
    request.status = status
    request.decided_at = clock.now()
    request.decided_by = actor
    session.flush()
    audit.record(
        session, actor=actor, action=action, object_type="PreRegistration",
        object_id=request.id, fields=["status"],
    )  # fmt: skip


def accept(
    session: Session,
    request: PreRegistration,
    *,
    actor: StaffUser,
    referral_source: ReferralSource | str,
    referred_by: str | None,
    coordinator: StaffUser | None,
    france_travail_id: str | None = None,
    today: date,
) -> Candidate:
    """Into the pathway: a referral made today, with who refers her, then a welcome message
    with her personal link."""
    _still_to_qualify(request)
    candidate = refer_candidate(
        session,
        Referral(
            first_name=request.first_name,
            last_name=request.last_name,
            commune_insee=request.commune_insee,
            referral_source=referral_source,
            referred_on=today,
            is_job_seeker=request.situation == Situation.JOB_SEEKER,
            france_travail_id=france_travail_id,
            email=request.email,
            phone=request.phone,
            referred_by=(referred_by or "").strip() or None,
            coordinator=coordinator,
        ),
        today=today,
    )
    request.candidate = candidate
    _decided(session, request, PreRegistrationStatus.ACCEPTED, actor,
             AuditAction.PRE_REGISTRATION_ACCEPT)  # fmt: skip
    _acknowledge(session, request, MessageKind.PRE_REGISTRATION_ACCEPTED)
    return candidate


def close(session: Session, request: PreRegistration, *, actor: StaffUser, reason: str) -> None:
    """Not into the pathway: the written reason is sent to her."""
    _still_to_qualify(request)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(
            "Écrivez la raison : elle est envoyée à la personne.", field="closing_reason"
        )
    request.closing_reason = reason
    _decided(session, request, PreRegistrationStatus.CLOSED, actor,
             AuditAction.PRE_REGISTRATION_CLOSE)  # fmt: skip
    _acknowledge(session, request, MessageKind.PRE_REGISTRATION_CLOSED)
