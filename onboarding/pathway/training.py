"""The initial training: hours of part 1 (in its three blocks) and part 2, the part-1 evaluation
and its one retake, and a training session recorded for all its attendees at once."""

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from onboarding.pathway import audit
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import (
    AuditAction,
    Candidate,
    CandidateStatus,
    StaffUser,
    Training,
    TrainingKind,
)

PART1_HOURS = Decimal(80)
PART2_HOURS = Decimal(40)
# D421-46: the three blocks of part 1 and their minimum hours; block 1 includes first aid.
BLOCKS = {
    1: ("Besoins fondamentaux de l'enfant", Decimal(30)),
    2: ("Spécificités du métier d'assistant maternel", Decimal(20)),
    3: ("Rôle et positionnement dans les dispositifs d'accueil", Decimal(15)),
}
# Block 3 (rôle et positionnement) is never exempt, nor is first aid.
BLOCK3_MINIMUM_HOURS = BLOCKS[3][1]
PROVIDER_MAX = 200
# D421-44: the evaluation of part 1 may be retaken once.
MAX_EVALUATION_ATTEMPTS = 2
# Training runs once the dossier is complete, not before.
STATUSES_IN_TRAINING = (
    CandidateStatus.UNDER_EVALUATION,
    CandidateStatus.APPROVED,
    CandidateStatus.ACTIVE,
)


def course_hours(candidate: Candidate, part: int, block: int | None = None) -> Decimal:
    return sum(
        (
            t.hours
            for t in candidate.trainings
            if t.kind == TrainingKind.COURSE
            and t.part == part
            and (block is None or t.block == block)
        ),
        Decimal(0),
    )


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",") + " h"


def part1_missing(candidate: Candidate) -> list[str]:
    """What part 1 still lacks, in French: each block under its minimum (D421-46), first aid,
    the 80 hours. With units EP1 and EP3 of the CAP AEPE, block 3 and first aid suffice."""
    missing = []
    blocks = (3,) if candidate.has_cap_aepe_units else (1, 2, 3)
    for block in blocks:
        title, minimum = BLOCKS[block]
        done = course_hours(candidate, 1, block=block)
        if done < minimum:
            missing.append(f"bloc {block} ({title}) : {_hours(done)} sur {_hours(minimum)}")
    if not any(t.includes_first_aid for t in candidate.trainings if t.part == 1):
        missing.append("les premiers secours (bloc 1)")
    total = course_hours(candidate, 1)
    if not candidate.has_cap_aepe_units and total < PART1_HOURS:
        missing.append(f"{_hours(total)} suivies sur {_hours(PART1_HOURS)}")
    return missing


def part1_hours_complete(candidate: Candidate) -> bool:
    return not part1_missing(candidate)


def part1_evaluations(candidate: Candidate) -> list[Training]:
    return [t for t in candidate.trainings if t.kind == TrainingKind.EVALUATION and t.part == 1]


def part1_done(candidate: Candidate) -> bool:
    return part1_hours_complete(candidate) and any(t.passed for t in part1_evaluations(candidate))


def part1_done_on(candidate: Candidate) -> date | None:
    passed = [t.completed_on for t in part1_evaluations(candidate) if t.passed]
    return min(passed) if passed and part1_hours_complete(candidate) else None


def part2_done(candidate: Candidate) -> bool:
    return course_hours(candidate, 2) >= PART2_HOURS


def _check_common(candidate: Candidate, completed_on: date, today: date) -> None:
    if candidate.status not in STATUSES_IN_TRAINING:
        raise RuleViolation(
            "La formation initiale se déclare une fois le dossier complet "
            f"(statut actuel : {candidate.status.label})."
        )
    if completed_on > today:
        raise RuleViolation(
            "La date de formation ne peut pas être dans le futur.", field="completed_on"
        )
    if candidate.dossier_complete_on and completed_on < candidate.dossier_complete_on:
        raise RuleViolation(
            "La formation ne peut pas précéder la date du dossier complet.", field="completed_on"
        )


def record_course(
    session: Session,
    candidate: Candidate,
    *,
    part: int,
    hours: Decimal,
    completed_on: date,
    today: date,
    block: int | None = None,
    includes_first_aid: bool = False,
    provider: str = "",
    actor: StaffUser | None = None,
) -> Training:
    """Hours of one part; part 1's hours belong to one of its three blocks (D421-46)."""
    _check_common(candidate, completed_on, today)
    if part not in (1, 2):
        raise RuleViolation("La formation comporte deux parties : 1 ou 2.", field="part")
    if block is not None and (part != 1 or block not in BLOCKS):
        raise RuleViolation("Les blocs 1, 2 et 3 concernent la première partie.", field="block")
    if part == 1 and block is None:
        raise RuleViolation(
            "Indiquez le bloc de la première partie : 1, 2 ou 3 (art. D421-46).", field="block"
        )
    if includes_first_aid and block != 1:
        raise RuleViolation(
            "Les premiers secours font partie du bloc 1 (besoins fondamentaux de l'enfant).",
            field="includes_first_aid",
        )
    provider = (provider or "").strip()
    if len(provider) > PROVIDER_MAX:
        raise RuleViolation(f"{PROVIDER_MAX} caractères au plus.", field="provider")
    limit = PART1_HOURS if part == 1 else PART2_HOURS
    # is_finite first: ordering a NaN raises InvalidOperation instead of refusing it.
    if not hours.is_finite() or not Decimal(0) < hours <= limit:
        raise RuleViolation(
            f"Les heures d'une session doivent être comprises entre 0 et {limit} h.", field="hours"
        )
    if part == 2 and (candidate.carer is None or candidate.carer.first_child_on is None):
        raise RuleViolation(
            "La deuxième partie de la formation suit l'accueil du premier enfant.", field="part"
        )
    training = Training(
        candidate=candidate,
        part=part,
        block=block,
        kind=TrainingKind.COURSE,
        hours=hours,
        completed_on=completed_on,
        includes_first_aid=includes_first_aid,
        provider=provider,
    )
    session.add(training)
    _audit(session, training, actor, ["part", "block", "hours", "completed_on", "provider"])
    return training


def _audit(session: Session, training: Training, actor: StaffUser | None, fields) -> None:
    if actor is None:
        return
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=AuditAction.CREATE,
        object_type="Training",
        object_id=training.id,
        fields=["candidate_id", *fields],
    )


def record_part1_evaluation(
    session: Session,
    candidate: Candidate,
    *,
    passed: bool,
    completed_on: date,
    today: date,
    actor: StaffUser | None = None,
) -> Training:
    _check_common(candidate, completed_on, today)
    attempts = part1_evaluations(candidate)
    if any(t.passed for t in attempts):
        raise RuleViolation("L'évaluation de la première partie est déjà réussie.")
    if len(attempts) >= MAX_EVALUATION_ATTEMPTS:
        raise RuleViolation(
            "L'évaluation de la première partie ne peut être repassée qu'une fois "
            "(décret 2018-903)."
        )
    missing = part1_missing(candidate)
    if missing:
        raise RuleViolation(
            "L'évaluation conclut la première partie : les heures de formation "
            f"ne sont pas encore toutes suivies. Manque : {' ; '.join(missing)}."
        )
    if attempts and completed_on < attempts[-1].completed_on:
        raise RuleViolation(
            "Le rattrapage ne peut pas précéder la première évaluation "
            f"({attempts[-1].completed_on:%d/%m/%Y}).",
            field="completed_on",
        )
    evaluation = Training(
        candidate=candidate,
        part=1,
        kind=TrainingKind.EVALUATION,
        hours=Decimal(3),
        passed=passed,
        completed_on=completed_on,
    )
    session.add(evaluation)
    _audit(session, evaluation, actor, ["part", "kind", "passed", "completed_on"])
    return evaluation


def record_session(
    session: Session,
    candidates: list[Candidate],
    *,
    part: int,
    hours: Decimal,
    completed_on: date,
    today: date,
    block: int | None = None,
    includes_first_aid: bool = False,
    provider: str = "",
    actor: StaffUser | None = None,
) -> list[Training]:
    """One training session for all its attendees: everyone's hours, or (on any refusal, which
    names the person) nobody's; the caller rolls back."""
    if not candidates:
        raise RuleViolation("Cochez au moins une personne présente à la session.")
    recorded = []
    for candidate in candidates:
        try:
            recorded.append(
                record_course(
                    session,
                    candidate,
                    part=part,
                    hours=hours,
                    completed_on=completed_on,
                    today=today,
                    block=block,
                    includes_first_aid=includes_first_aid,
                    provider=provider,
                    actor=actor,
                )
            )
        except RuleViolation as error:
            raise RuleViolation(
                f"{candidate.full_name} : {error.message} Aucune heure n'a été enregistrée.",
                field=error.field,
            ) from None
    return recorded
