"""The agrément in force: its validity, its renewal (request, decision; 10 years with units EP1
and EP3 of the CAP AEPE, else 5), its suspension and its expiry, which take the carer out of every
public view."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from onboarding.pathway import audit, deadlines, shown
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import (
    AgrementDecision,
    AuditAction,
    Candidate,
    CandidateStatus,
    Carer,
    DecisionOutcome,
    StaffUser,
)
from onboarding.pathway.transitions import check_capacity

AGREMENT_STATUSES = (CandidateStatus.APPROVED, CandidateStatus.ACTIVE)


def agrement_expires_on(carer: Carer) -> date:
    """The last day of the agrément in force (a renewal moves it)."""
    return carer.agrement_expires_on


def agrement_in_force(carer: Carer, on: date) -> bool:
    """Whether her agrément runs on that day: the rule of who may be shown says it."""
    return shown.agrement_in_force(carer, on)


def agrement_in_force_clause(on: date):
    """agrement_in_force as a WHERE clause over Carer, for the panel's lists."""
    return shown.clause(shown.AGREMENT_TERMS, values={"care_from": on})


def expiry_notice(carer: Carer, today: date) -> str | None:
    """Why an expired carer no longer appears anywhere public, in the panel's words."""
    expires_on = agrement_expires_on(carer)
    if today <= expires_on:
        return None
    return (
        f"Agrément expiré le {expires_on:%d/%m/%Y} : cette assistante maternelle n'apparaît plus "
        "dans la recherche des parents, sur sa page publique ni dans l'API, jusqu'à "
        "l'enregistrement d'un renouvellement."
    )


def _carer_of(candidate: Candidate) -> Carer:
    if candidate.status not in AGREMENT_STATUSES or candidate.carer is None:
        raise RuleViolation(
            "Le renouvellement concerne une personne agréée "
            f"(statut actuel : {candidate.status.label})."
        )
    return candidate.carer


def record_renewal_request(
    session: Session, candidate: Candidate, *, on: date, today: date, actor: StaffUser | None
) -> Carer:
    """The département received her renewal request (D421-12: sent at least 4 months ahead)."""
    carer = _carer_of(candidate)
    if on > today:
        raise RuleViolation("La date ne peut pas être dans le futur.", field="on")
    if on < carer.agrement_on:
        raise RuleViolation(
            f"La demande ne peut pas précéder l'agrément ({carer.agrement_on:%d/%m/%Y}).",
            field="on",
        )
    if carer.renewal_requested_on is not None:
        raise RuleViolation(
            "Une demande de renouvellement reçue le "
            f"{carer.renewal_requested_on:%d/%m/%Y} attend déjà sa décision."
        )
    expires_on = agrement_expires_on(carer)
    if expires_on is not None and on > expires_on:
        raise RuleViolation(
            f"L'agrément a expiré le {expires_on:%d/%m/%Y} : il ne peut plus être renouvelé, "
            "une nouvelle demande d'agrément est nécessaire.",
            field="on",
        )
    carer.renewal_requested_on = on
    _audit(session, actor, carer, ["renewal_requested_on"])
    return carer


def record_renewal(
    session: Session,
    candidate: Candidate,
    *,
    decided_on: date,
    granted: bool,
    capacity: int | None,
    reason: str,
    has_cap_aepe_units: bool,
    today: date,
    actor: StaffUser | None,
) -> AgrementDecision:
    """The decision on the pending renewal request. Granted, the new validity runs from the end
    of the current one (or from the decision, if later): 10 years with EP1 and EP3, else 5.
    Refused, the agrément ends at its expiry."""
    carer = _carer_of(candidate)
    requested_on = carer.renewal_requested_on
    if requested_on is None:
        raise RuleViolation("Enregistrez d'abord la réception de la demande de renouvellement.")
    if decided_on > today:
        raise RuleViolation("La date ne peut pas être dans le futur.", field="decided_on")
    if decided_on < requested_on:
        raise RuleViolation(
            f"La décision ne peut pas précéder la demande ({requested_on:%d/%m/%Y}).",
            field="decided_on",
        )
    reason = (reason or "").strip()
    if has_cap_aepe_units and not candidate.has_cap_aepe_units:
        candidate.has_cap_aepe_units = True
    if not granted:
        if not reason:
            raise RuleViolation(
                "Un refus de renouvellement doit être motivé par écrit.", field="reason"
            )
        decision = AgrementDecision(
            candidate=candidate,
            outcome=DecisionOutcome.REFUSED,
            decided_on=decided_on,
            reason=reason,
            is_renewal=True,
            renewal_requested_on=requested_on,
            created_by=actor,
        )
    else:
        if capacity is None:
            raise RuleViolation(
                "Indiquez le nombre d'enfants accueillis simultanément.", field="capacity"
            )
        check_capacity(capacity, reason, first_agrement=False)
        current = agrement_expires_on(carer)
        starts_on = max(decided_on, current + timedelta(days=1)) if current else decided_on
        decision = AgrementDecision(
            candidate=candidate,
            outcome=DecisionOutcome.GRANTED,
            decided_on=decided_on,
            capacity=capacity,
            reason=reason,
            is_renewal=True,
            renewal_requested_on=requested_on,
            valid_until=deadlines.agrement_expiry(
                starts_on, is_renewal=True, has_cap_aepe_units=candidate.has_cap_aepe_units
            ),
            created_by=actor,
        )
        carer.agrement_capacity = capacity
        carer.agrement_expires_on = decision.valid_until
    carer.renewal_requested_on = None
    session.add(decision)
    session.flush()
    if actor is not None:
        audit.record(
            session,
            actor=actor,
            action=AuditAction.CREATE,
            object_type="AgrementDecision",
            object_id=decision.id,
            fields=["candidate_id", "outcome", "decided_on", "capacity", "is_renewal"],
        )
    _audit(session, actor, carer, ["renewal_requested_on", "agrement_expires_on"])
    return decision


# R421-24 CASF: a suspension of the agrément lasts at most four months.
SUSPENSION_MAX = relativedelta(months=4)


def suspended_until(carer: Carer, on: date) -> date | None:
    """The end of the suspension in force on that day, if her agrément is suspended then."""
    until = carer.agrement_suspended_until
    return until if until is not None and until >= on else None


def record_suspension(
    session: Session, carer: Carer, *, until: date, today: date, actor: StaffUser | None
) -> None:
    """The département suspends her agrément up to `until` (L421-6): no child may be entrusted
    to her meanwhile, so parents do not see her until it has ended."""
    if until < today:
        raise RuleViolation("La fin de la suspension est déjà passée.", field="until")
    if until > today + SUSPENSION_MAX:
        raise RuleViolation(
            "Une suspension d'agrément dure au plus quatre mois (art. R421-24 du code de l'action "
            f"sociale et des familles) : jusqu'au {today + SUSPENSION_MAX:%d/%m/%Y} au plus tard.",
            field="until",
        )
    carer.agrement_suspended_until = until
    _audit(session, actor, carer, ["agrement_suspended_until"])


def lift_suspension(session: Session, carer: Carer, *, today: date, actor: StaffUser | None):
    """The suspension ends before its term: she is shown again from today."""
    if carer.agrement_suspended_until is None or carer.agrement_suspended_until < today:
        raise RuleViolation("Son agrément n'est pas suspendu.")
    carer.agrement_suspended_until = today - timedelta(days=1)
    _audit(session, actor, carer, ["agrement_suspended_until"])


def _audit(session: Session, actor: StaffUser | None, carer: Carer, fields: list[str]) -> None:
    if actor is None:
        return
    session.flush()
    audit.record(
        session, actor=actor, action=AuditAction.UPDATE, object_type="Carer", object_id=carer.id,
        fields=fields,
    )  # fmt: skip
