"""Where a candidate stands: the legal deadlines that concern them, and the SQL that finds those
whose deadline is past or near."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, exists, func, or_, select

from onboarding.pathway import deadlines, training
from onboarding.pathway.deadlines import Deadline
from onboarding.pathway.models import (
    AgrementDecision,
    Candidate,
    CandidateStatus,
    Carer,
    DecisionOutcome,
    Training,
    TrainingKind,
)

S = CandidateStatus
TRAINING_STATUSES = (S.UNDER_EVALUATION, S.APPROVED)
AGREMENT_STATUSES = (S.APPROVED, S.ACTIVE)


def candidate_deadlines(candidate: Candidate, *, extended_training: bool = False) -> list[Deadline]:
    """The clocks running for this candidate, in date order; met ones carry their date."""
    found: list[Deadline] = []
    complete_on = candidate.dossier_complete_on
    positive = [d for d in candidate.decisions if d.is_positive]
    latest = candidate.decisions[-1] if candidate.decisions else None
    if complete_on and candidate.status in (S.UNDER_EVALUATION, *AGREMENT_STATUSES, S.REFUSED):
        decided = latest.decided_on if latest and latest.decided_on >= complete_on else None
        found.append(
            Deadline(
                "decision",
                "Décision sur l'agrément (sinon réputé acquis)",
                deadlines.decision_due(complete_on),
                decided,
            )
        )
    if complete_on and candidate.status in (*TRAINING_STATUSES, S.ACTIVE):
        found.append(
            Deadline(
                "training_part1",
                "Formation initiale, première partie (80 h)",
                deadlines.training_part1_due(complete_on, extended=extended_training),
                training.part1_done_on(candidate),
            )
        )
    if positive and candidate.status in AGREMENT_STATUSES:
        current = positive[-1]
        found.append(
            Deadline(
                "renewal_notice",
                "Envoi du dossier de renouvellement par le département",
                deadlines.renewal_notice(current.valid_until),
            )
        )
        found.append(Deadline("expiry", "Fin de validité de l'agrément", current.valid_until))
    carer = candidate.carer
    if carer is not None and carer.first_child_on is not None:
        found.append(
            Deadline(
                "training_part2",
                "Formation initiale, deuxième partie (40 h)",
                deadlines.training_part2_due(carer.first_child_on),
                carer.first_child_on if training.part2_done(candidate) else None,
            )
        )
    if candidate.status == S.REFUSED and latest is not None:
        found.append(
            Deadline(
                "appeal",
                "Recours gracieux possible jusqu'au",
                deadlines.appeal_deadline(latest.decided_on),
            )
        )
    return sorted(found, key=lambda d: d.due_on)


def deadlines_where(candidate: Candidate, extended_departments) -> list[Deadline]:
    """candidate_deadlines, part-1 training getting 8 months in the listed départements."""
    return candidate_deadlines(
        candidate, extended_training=candidate.department_code in extended_departments
    )


def next_deadline(candidate: Candidate, today: date, **kwargs) -> Deadline | None:
    pending = [d for d in candidate_deadlines(candidate, **kwargs) if d.met_on is None]
    return pending[0] if pending else None


def deadline_attention_clause(today: date, *, within_days: int = deadlines.NEAR_DAYS):
    """Candidates with an unmet legal deadline already past or due within `within_days`.

    Thresholds are computed here in Python, so the clause is plain comparisons that every
    database runs the same way and that can use the index on dossier_complete_on.
    """
    horizon = today + timedelta(days=within_days)
    decision_threshold = horizon - relativedelta(months=deadlines.DECISION_MONTHS)
    training_threshold = horizon - relativedelta(months=deadlines.TRAINING_PART1_MONTHS)
    renewal_threshold = horizon + relativedelta(months=deadlines.RENEWAL_NOTICE_MONTHS)
    part2_threshold = horizon - relativedelta(years=deadlines.TRAINING_PART2_YEARS)

    part1_passed = exists().where(
        Training.candidate_id == Candidate.id,
        Training.part == 1,
        Training.kind == TrainingKind.EVALUATION,
        Training.passed.is_(True),
    )
    part2_hours = (
        select(func.coalesce(func.sum(Training.hours), 0))
        .where(
            Training.candidate_id == Candidate.id,
            Training.part == 2,
            Training.kind == TrainingKind.COURSE,
        )
        .scalar_subquery()
    )
    # The latest positive decision is the one in force (a renewal supersedes the first).
    in_force_until = (
        select(func.max(AgrementDecision.valid_until))
        .where(
            AgrementDecision.candidate_id == Candidate.id,
            AgrementDecision.outcome != DecisionOutcome.REFUSED,
        )
        .scalar_subquery()
    )
    part2_due = exists().where(
        Carer.candidate_id == Candidate.id,
        Carer.first_child_on <= part2_threshold,
    )
    return or_(
        and_(
            Candidate.status == S.UNDER_EVALUATION,
            Candidate.dossier_complete_on <= decision_threshold,
        ),
        and_(
            Candidate.status.in_(TRAINING_STATUSES),
            Candidate.dossier_complete_on <= training_threshold,
            ~part1_passed,
        ),
        and_(Candidate.status.in_(AGREMENT_STATUSES), in_force_until <= renewal_threshold),
        and_(Candidate.status == S.ACTIVE, part2_due, part2_hours < training.PART2_HOURS),
    )
