"""The initial training: hours of part 1 and part 2, the part-1 evaluation and its one retake."""

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import Candidate, CandidateStatus, Training, TrainingKind

PART1_HOURS = Decimal(80)
PART2_HOURS = Decimal(40)
# D421-46: block 3 (rôle et positionnement) is never exempt, nor is first aid.
BLOCK3_MINIMUM_HOURS = Decimal(15)
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


def part1_hours_complete(candidate: Candidate) -> bool:
    """80 hours; with units EP1 and EP3 of the CAP AEPE, block 3 and first aid suffice."""
    if candidate.has_cap_aepe_units:
        first_aid = any(t.includes_first_aid for t in candidate.trainings if t.part == 1)
        return first_aid and course_hours(candidate, 1, block=3) >= BLOCK3_MINIMUM_HOURS
    return course_hours(candidate, 1) >= PART1_HOURS


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
) -> Training:
    _check_common(candidate, completed_on, today)
    if part not in (1, 2):
        raise RuleViolation("La formation comporte deux parties : 1 ou 2.", field="part")
    if block is not None and (part != 1 or block not in (1, 2, 3)):
        raise RuleViolation("Les blocs 1, 2 et 3 concernent la première partie.", field="block")
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
    return training


def record_part1_evaluation(
    session: Session, candidate: Candidate, *, passed: bool, completed_on: date, today: date
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
    if not part1_hours_complete(candidate):
        raise RuleViolation(
            "L'évaluation conclut la première partie : les heures de formation "
            "ne sont pas encore toutes suivies."
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
    return evaluation
