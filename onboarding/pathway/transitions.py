"""The pathway engine: a candidate's status changes only through the named transitions below.

Each transition function checks that it starts from an allowed status, then the rules of the
agrément (Code de l'action sociale et des familles), and raises a PathwayError with a French
message before changing anything. Every transition that succeeds is appended to the
TransitionLog.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from onboarding.pathway import carers, deadlines, training
from onboarding.pathway.base import utcnow
from onboarding.pathway.enrollment import release_upcoming_enrollments
from onboarding.pathway.errors import ReasonRequired, RuleViolation, TransitionNotAllowed
from onboarding.pathway.models import (
    AgrementDecision,
    Candidate,
    CandidateStatus,
    DecisionOutcome,
    DossierItemStatus,
    StaffUser,
    TransitionLog,
    WithdrawalReason,
)
from onboarding.pathway.models.candidates import _status_change_allowed
from onboarding.pathway.progress import candidate_progress, missing_mandatory_steps

S = CandidateStatus
# The transition log's name for an end-of-pathway attestation given with steps not done.
ATTEST_COMPLETION = "attest_completion"
WAIVER_REASON_MAX = 2000
FULL_CAPACITY = 4
FIRST_AGREMENT_MINIMUM = 2


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[CandidateStatus]
    target: CandidateStatus


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("start_pathway", "Démarrer le parcours", frozenset({S.REFERRED}), S.IN_PATHWAY),
        Transition(
            "file_dossier", "Enregistrer le dépôt du dossier", frozenset({S.IN_PATHWAY}),
            S.DOSSIER_FILED,
        ),
        Transition(
            "declare_dossier_complete", "Déclarer le dossier complet",
            frozenset({S.DOSSIER_FILED}), S.UNDER_EVALUATION,
        ),
        Transition("grant", "Enregistrer l'agrément", frozenset({S.UNDER_EVALUATION}), S.APPROVED),
        Transition(
            "deem_granted", "Constater l'agrément réputé acquis", frozenset({S.UNDER_EVALUATION}),
            S.APPROVED,
        ),
        Transition("refuse", "Enregistrer le refus", frozenset({S.UNDER_EVALUATION}), S.REFUSED),
        Transition(
            "appeal", "Enregistrer un recours gracieux", frozenset({S.REFUSED}),
            S.UNDER_EVALUATION,
        ),
        Transition(
            "record_first_child", "Enregistrer l'accueil du premier enfant",
            frozenset({S.APPROVED}), S.ACTIVE,
        ),
        Transition(
            "withdraw", "Sortir du parcours", frozenset(set(S) - {S.WITHDRAWN}), S.WITHDRAWN,
        ),
    )
}  # fmt: skip


def allowed_transitions(candidate: Candidate) -> list[Transition]:
    """The transitions that start from the candidate's status (their rules may still refuse)."""
    return [t for t in TRANSITIONS.values() if candidate.status in t.sources]


def _check_source(candidate: Candidate, name: str) -> Transition:
    transition = TRANSITIONS[name]
    if candidate.status not in transition.sources:
        raise TransitionNotAllowed(
            f"« {transition.label} » n'est pas possible pour une personne au statut "
            f"« {candidate.status.label} »."
        )
    return transition


def _check_date(on: date, today: date, *, not_before: date | None, before_label: str = "") -> None:
    if on > today:
        raise RuleViolation("La date ne peut pas être dans le futur.", field="on")
    if not_before is not None and on < not_before:
        raise RuleViolation(
            f"La date ne peut pas précéder {before_label} ({not_before:%d/%m/%Y}).", field="on"
        )


def _move(
    session: Session,
    candidate: Candidate,
    transition: Transition,
    *,
    actor: StaffUser | None,
    on: date,
    note: str = "",
) -> TransitionLog:
    source = candidate.status
    token = _status_change_allowed.set(True)
    try:
        candidate.status = transition.target
    finally:
        _status_change_allowed.reset(token)
    candidate.status_changed_at = utcnow()
    log = TransitionLog(
        candidate=candidate,
        name=transition.name,
        from_status=source,
        to_status=transition.target,
        actor=actor,
        effective_on=on,
        note=note,
    )
    session.add(log)
    return log


def start_pathway(
    session: Session, candidate: Candidate, *, actor: StaffUser | None, on: date, today: date
) -> TransitionLog:
    transition = _check_source(candidate, "start_pathway")
    _check_date(on, today, not_before=candidate.referred_on, before_label="l'orientation")
    return _move(session, candidate, transition, actor=actor, on=on)


def steps_not_done(session: Session, candidate: Candidate, today: date) -> list[str]:
    """The mandatory steps of the configured pathway not done yet, with what remains, in French."""
    missing = missing_mandatory_steps(candidate_progress(session, candidate.id, today))
    return [f"{p.step.title} ({p.remaining})" for p in missing]


def waiver_note(missing: list[str], reason: str) -> str:
    """What the transition log keeps of a step skipped on the programme's side."""
    return f"Étapes non terminées : {' ; '.join(missing)}. Motif : {reason}"


def check_waiver(missing: list[str], reason: str, *, what: str) -> str:
    """The law refuses; the programme warns: steps not done ask for a written reason, then let
    the operation proceed. Returns the note to log ("" when nothing is missing)."""
    if not missing:
        return ""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(
            "Des étapes obligatoires du parcours ne sont pas terminées : "
            f"{' ; '.join(missing)}. Indiquez par écrit pourquoi {what} quand même.",
            missing=missing,
        )
    if len(reason) > WAIVER_REASON_MAX:
        raise RuleViolation(f"{WAIVER_REASON_MAX} caractères au plus.", field="reason")
    return waiver_note(missing, reason)


def file_dossier(
    session: Session,
    candidate: Candidate,
    *,
    actor: StaffUser | None,
    on: date,
    today: date,
    reason: str = "",
) -> TransitionLog:
    """The dossier was filed with the PMI. A mandatory step of the configured pathway not done is
    a programme rule: it asks for a written reason, kept in the transition log, and proceeds."""
    transition = _check_source(candidate, "file_dossier")
    _check_date(on, today, not_before=candidate.referred_on, before_label="l'orientation")
    note = check_waiver(
        steps_not_done(session, candidate, today), reason, what="le dossier est déposé"
    )
    candidate.dossier_filed_on = on
    return _move(session, candidate, transition, actor=actor, on=on, note=note)


def attest_completion(
    session: Session,
    candidate: Candidate,
    *,
    actor: StaffUser | None,
    today: date,
    reason: str = "",
) -> TransitionLog | None:
    """The end-of-pathway attestation given while mandatory steps are not done: the written
    reason is logged (the status does not change); nothing is logged when every step is done."""
    note = check_waiver(
        steps_not_done(session, candidate, today), reason, what="l'attestation est délivrée"
    )
    if not note:
        return None
    log = TransitionLog(
        candidate=candidate,
        name=ATTEST_COMPLETION,
        from_status=candidate.status,
        to_status=candidate.status,
        actor=actor,
        effective_on=today,
        note=note,
    )
    session.add(log)
    return log


def declare_dossier_complete(
    session: Session, candidate: Candidate, *, actor: StaffUser | None, on: date, today: date
) -> TransitionLog:
    """The complete dossier starts the 3-month decision clock and the 6-month training clock."""
    transition = _check_source(candidate, "declare_dossier_complete")
    _check_date(
        on, today, not_before=candidate.dossier_filed_on, before_label="le dépôt du dossier"
    )
    missing = [item for item in candidate.dossier_items if item.status == DossierItemStatus.MISSING]
    if missing or not candidate.dossier_items:
        labels = ", ".join(item.kind.label for item in missing) or "aucune pièce enregistrée"
        raise RuleViolation(f"Le dossier n'est pas complet. Pièces manquantes : {labels}.")
    candidate.dossier_complete_on = on
    return _move(session, candidate, transition, actor=actor, on=on)


def _record_decision(
    session: Session,
    candidate: Candidate,
    *,
    outcome: DecisionOutcome,
    decided_on: date,
    capacity: int | None,
    reason: str,
    actor: StaffUser | None,
) -> AgrementDecision:
    is_renewal = any(d.is_positive for d in candidate.decisions)
    valid_until = None
    if outcome != DecisionOutcome.REFUSED:
        valid_until = deadlines.agrement_expiry(
            decided_on, is_renewal=is_renewal, has_cap_aepe_units=candidate.has_cap_aepe_units
        )
    decision = AgrementDecision(
        candidate=candidate,
        outcome=outcome,
        decided_on=decided_on,
        capacity=capacity,
        reason=reason,
        is_renewal=is_renewal,
        valid_until=valid_until,
        created_by=actor,
    )
    session.add(decision)
    return decision


def check_capacity(capacity: int, reason: str, *, first_agrement: bool) -> None:
    """L421-4: up to 4 children at once; a first agrément at least 2 unless conditions don't allow;
    any restriction below 4 is motivated in writing."""
    if not 1 <= capacity <= FULL_CAPACITY:
        raise RuleViolation(
            "L'agrément porte sur 1 à 4 enfants accueillis simultanément (art. L421-4).",
            field="capacity",
        )
    if reason.strip():
        return
    if first_agrement and capacity < FIRST_AGREMENT_MINIMUM:
        raise RuleViolation(
            "Un premier agrément est accordé pour au moins 2 enfants, sauf si les conditions "
            "d'accueil ne le permettent pas : indiquez la motivation écrite (art. L421-4).",
            field="reason",
        )
    if capacity < FULL_CAPACITY:
        raise RuleViolation(
            "Un agrément pour moins de 4 enfants est une restriction qui doit être motivée par "
            "écrit (art. L421-4).",
            field="reason",
        )


def grant(
    session: Session,
    candidate: Candidate,
    *,
    actor: StaffUser | None,
    decided_on: date,
    capacity: int,
    reason: str = "",
    today: date,
) -> AgrementDecision:
    transition = _check_source(candidate, "grant")
    _check_date(
        decided_on,
        today,
        not_before=candidate.dossier_complete_on,
        before_label="le dossier complet",
    )
    first_agrement = not any(d.is_positive for d in candidate.decisions)
    check_capacity(capacity, reason, first_agrement=first_agrement)
    decision = _record_decision(
        session,
        candidate,
        outcome=DecisionOutcome.GRANTED,
        decided_on=decided_on,
        capacity=capacity,
        reason=reason.strip(),
        actor=actor,
    )
    carers.carer_from_decision(session, candidate, decision)
    _move(session, candidate, transition, actor=actor, on=decided_on)
    return decision


def deem_granted(
    session: Session, candidate: Candidate, *, actor: StaffUser | None, today: date
) -> AgrementDecision:
    """L421-6: no decision within 3 months of the complete dossier, and the agrément is acquired,
    for the number of children asked for."""
    transition = _check_source(candidate, "deem_granted")
    # Back under evaluation after a recours gracieux, the application was answered: the
    # 3 months of the original dossier no longer make the agrément acquired.
    if any(d.outcome == DecisionOutcome.REFUSED for d in candidate.decisions):
        raise RuleViolation(
            "Un refus d'agrément a été notifié : l'agrément ne peut plus être réputé acquis. "
            "Enregistrez la décision prise sur le recours."
        )
    if candidate.dossier_complete_on is None:
        raise RuleViolation("La date du dossier complet n'est pas connue.")
    due = deadlines.decision_due(candidate.dossier_complete_on)
    if today < due:
        raise RuleViolation(
            "L'agrément n'est réputé acquis qu'à défaut de décision dans les 3 mois suivant "
            f"le dossier complet, soit à partir du {due:%d/%m/%Y} (art. L421-6)."
        )
    if candidate.requested_capacity is None:
        raise RuleViolation(
            "Indiquez le nombre d'enfants demandé dans le dossier : c'est celui que couvre "
            "l'agrément réputé acquis.",
            field="requested_capacity",
        )
    decision = _record_decision(
        session,
        candidate,
        outcome=DecisionOutcome.DEEMED_GRANTED,
        decided_on=due,
        capacity=candidate.requested_capacity,
        reason="Agrément réputé acquis faute de décision notifiée dans les 3 mois (art. L421-6).",
        actor=actor,
    )
    carers.carer_from_decision(session, candidate, decision)
    _move(session, candidate, transition, actor=actor, on=due)
    return decision


def refuse(
    session: Session,
    candidate: Candidate,
    *,
    actor: StaffUser | None,
    decided_on: date,
    reason: str,
    today: date,
) -> AgrementDecision:
    transition = _check_source(candidate, "refuse")
    _check_date(
        decided_on,
        today,
        not_before=candidate.dossier_complete_on,
        before_label="le dossier complet",
    )
    if not reason.strip():
        raise RuleViolation(
            "Un refus d'agrément doit être motivé par écrit (art. L421-3).", field="reason"
        )
    decision = _record_decision(
        session,
        candidate,
        outcome=DecisionOutcome.REFUSED,
        decided_on=decided_on,
        capacity=None,
        reason=reason.strip(),
        actor=actor,
    )
    _move(session, candidate, transition, actor=actor, on=decided_on, note=reason.strip())
    return decision


def appeal(
    session: Session, candidate: Candidate, *, actor: StaffUser | None, on: date, today: date
) -> TransitionLog:
    """A recours gracieux within 2 months of the refusal puts the dossier back under evaluation."""
    transition = _check_source(candidate, "appeal")
    refusal = next(
        (d for d in reversed(candidate.decisions) if d.outcome == DecisionOutcome.REFUSED), None
    )
    if refusal is None:
        raise RuleViolation("Aucun refus d'agrément n'est enregistré.")
    _check_date(on, today, not_before=refusal.decided_on, before_label="le refus")
    limit = deadlines.appeal_deadline(refusal.decided_on)
    if on > limit:
        raise RuleViolation(
            "Le recours gracieux doit être formé dans les 2 mois suivant le refus, "
            f"soit au plus tard le {limit:%d/%m/%Y}.",
            field="on",
        )
    return _move(session, candidate, transition, actor=actor, on=on)


def record_first_child(
    session: Session, candidate: Candidate, *, actor: StaffUser | None, on: date, today: date
) -> TransitionLog:
    """No child may be taken in before part 1 of the training is done (D421-44)."""
    transition = _check_source(candidate, "record_first_child")
    carer = candidate.carer
    if carer is None:
        raise RuleViolation("Aucune fiche d'assistant maternel n'est associée à cette personne.")
    _check_date(on, today, not_before=carer.agrement_on, before_label="l'agrément")
    part1_done_on = training.part1_done_on(candidate)
    if part1_done_on is None:
        raise RuleViolation(
            "Aucun enfant ne peut être accueilli avant la fin de la première partie de la "
            "formation (80 h et évaluation réussie)."
        )
    if on < part1_done_on:
        raise RuleViolation(
            f"La première partie de la formation s'est achevée le {part1_done_on:%d/%m/%Y} : "
            "aucun enfant ne peut avoir été accueilli avant.",
            field="on",
        )
    carer.first_child_on = on
    return _move(session, candidate, transition, actor=actor, on=on)


def withdraw(
    session: Session,
    candidate: Candidate,
    *,
    actor: StaffUser | None,
    on: date,
    reason: WithdrawalReason | str | None,
    note: str = "",
    today: date,
) -> TransitionLog:
    transition = _check_source(candidate, "withdraw")
    _check_date(on, today, not_before=candidate.referred_on, before_label="l'orientation")
    try:
        reason = WithdrawalReason(reason) if reason else None
    except ValueError:
        reason = None
    if reason is None:
        raise RuleViolation("Choisissez le motif de la sortie du parcours.", field="reason")
    if reason == WithdrawalReason.OTHER and not note.strip():
        raise RuleViolation("Précisez le motif de la sortie.", field="note")
    candidate.withdrawal_reason = reason
    candidate.withdrawal_note = note.strip() or None
    release_upcoming_enrollments(session, candidate, today=today)
    return _move(session, candidate, transition, actor=actor, on=on, note=reason.label)
