"""The funnel: who reached each stage, the conversion from one to the next, withdrawals."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    and_,
    case,
    func,
    select,
)
from sqlalchemy.orm import Session

from onboarding.pathway.indicators.sql import (
    Period,
    S,
    candidate_filter,
    dialect,
    rate,
)
from onboarding.pathway.models import (
    AgrementDecision,
    Candidate,
    CandidateStatus,
    Carer,
    DecisionOutcome,
    Training,
    TrainingKind,
    TransitionLog,
    Vacancy,
    WithdrawalReason,
)
from onboarding.pathway.steps_reached import reached
from onboarding.pathway.territories import funnel_steps


# --- 1. the funnel -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    count: int
    # The share of the previous stage of the main chain that reached this one (None: no previous).
    conversion: float | None = None
    # Side outcomes (refused, deemed granted) are shown but do not continue the chain.
    is_side: bool = False


@dataclass(frozen=True)
class FunnelGroup:
    """One cohort or one département: candidates entered and the count at each stage key."""

    key: str
    counts: dict[str, int]


@dataclass(frozen=True)
class Withdrawals:
    total: int
    by_reason: list[tuple[WithdrawalReason, int]]
    # The status they left from; None when the log has no withdrawal (imported data).
    by_stage: list[tuple[CandidateStatus | None, int]]


@dataclass(frozen=True)
class Funnel:
    stages: list[Stage]
    stage_labels: list[tuple[str, str]]
    by_cohort: list[FunnelGroup]
    by_department: list[FunnelGroup]
    withdrawals: Withdrawals

    @property
    def entered(self) -> int:
        return self.stages[0].count


# Stages after the steps, in pathway order: (key, label, is a side outcome). Side outcomes
# (refused, deemed granted) are shown but do not continue the chain.
STAGES = [
    ("dossier_filed", "Dossier déposé", False),
    ("granted", "Agrément obtenu (accordé ou réputé acquis)", False),
    ("deemed_granted", "dont réputé acquis", True),
    ("refused", "Agrément refusé", True),
    ("training_done", "Formation initiale, 1re partie validée", False),
    ("published", "Disponibilités publiées", False),
]


def decision_flags(*where):
    """Per candidate with a decision (among those `where` keeps): 1 or 0 for "granted" (or
    deemed granted), "deemed_granted" and "refused"."""
    positive = (DecisionOutcome.GRANTED, DecisionOutcome.DEEMED_GRANTED)
    return (
        select(
            AgrementDecision.candidate_id.label("candidate_id"),
            func.max(case((AgrementDecision.outcome.in_(positive), 1), else_=0)).label("granted"),
            func.max(
                case((AgrementDecision.outcome == DecisionOutcome.DEEMED_GRANTED, 1), else_=0)
            ).label("deemed_granted"),
            func.max(case((AgrementDecision.outcome == DecisionOutcome.REFUSED, 1), else_=0)).label(
                "refused"
            ),
        )
        .where(*where)
        .group_by(AgrementDecision.candidate_id)
        .subquery()
    )


def _stage_queries():
    """Per stage, the ids of the candidates who reached it: each a small grouped query over its
    own table, joined to the candidates afterwards (cheaper than a correlated EXISTS per row)."""
    decisions = decision_flags()
    trained = (
        select(Training.candidate_id.label("candidate_id"))
        .where(
            Training.part == 1,
            Training.kind == TrainingKind.EVALUATION,
            Training.passed.is_(True),
        )
        .group_by(Training.candidate_id)
        .subquery()
    )
    published = (
        select(Carer.candidate_id.label("candidate_id"))
        .join(Vacancy, Vacancy.carer_id == Carer.id)
        .where(Carer.is_published.is_(True), Carer.candidate_id.is_not(None))
        .group_by(Carer.candidate_id)
        .subquery()
    )
    return decisions, trained, published


def funnel(
    session: Session,
    *,
    departments: tuple[str, ...] | None,
    cohort: str | None = None,
    period: Period | None = None,
    today: date,
    with_steps: bool = True,
) -> Funnel:
    """`with_steps=False` leaves out the pathway's steps and the withdrawals."""
    where = candidate_filter(departments, cohort, period)
    # Each step counted among the candidates who follow it (their territory's configuration):
    # a step absent from someone's pathway is neither reached nor missing for her.
    steps = funnel_steps(session) if with_steps else []
    followed = [step for step in steps if step.follows is not None]
    backend = dialect(session)
    # In the order of ix_candidate_indicators, which holds every column these scans read.
    group = (Candidate.cohort, Candidate.department_code)
    groups: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def collect(query, *keys: str) -> None:
        for cohort_key, department, *values in session.execute(query):
            for key, value in zip(keys, values, strict=True):
                groups[(cohort_key, department)][key] = int(value or 0)

    # A step is reached with one attended activity of it: counted from the candidates' own
    # row (see pathway.steps_reached), in the same scan as the entrants.
    collect(
        select(
            *group,
            func.count(),
            # FILTER rather than sum(CASE …): less work per row on SQLite.
            func.count().filter(Candidate.dossier_filed_on.is_not(None)),
            *[func.count().filter(_reached(step, backend)) for step in steps],
            *[func.count().filter(step.follows) for step in followed],
        )
        .where(where)
        .group_by(*group),
        "entered",
        "dossier_filed",
        *[f"step_{step.id}" for step in steps],
        *[f"followers_{step.id}" for step in followed],
    )
    decisions, trained, published = _stage_queries()
    collect(
        select(
            *group,
            func.sum(decisions.c.granted),
            func.sum(decisions.c.deemed_granted),
            func.sum(decisions.c.refused),
        )
        .join(decisions, decisions.c.candidate_id == Candidate.id)
        .where(where)
        .group_by(*group),
        "granted",
        "deemed_granted",
        "refused",
    )
    for key, subquery in (("training_done", trained), ("published", published)):
        collect(
            select(*group, func.count())
            .join(subquery, subquery.c.candidate_id == Candidate.id)
            .where(where)
            .group_by(*group),
            key,
        )

    withdrawals = _withdrawals(session, where) if with_steps else Withdrawals(0, [], [])
    return assemble(groups, steps, withdrawals)


def assemble(groups: dict, steps, withdrawals: Withdrawals) -> Funnel:
    """The funnel from its counts per (cohort, département): {key: count} with "entered", a
    "step_<id>" and "followers_<id>" for each step of `steps`, and the stages' keys."""
    labels = (
        [("entered", "Entrés dans le parcours")]
        + [(f"step_{step.id}", f"Étape « {step.title} » suivie") for step in steps]
        + [(key, label) for key, label, _ in STAGES]
    )
    sides = {key for key, _, side in STAGES if side}
    totals: dict[str, int] = defaultdict(int)
    by_cohort: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_department: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (cohort_key, department), counts in groups.items():
        for key, value in counts.items():
            totals[key] += value
            by_cohort[cohort_key][key] += value
            by_department[department][key] += value

    # The steps are configurable and may be optional: a dossier may be filed without them. Each
    # step's rate is therefore taken over the people who entered and follow it, and the chain
    # (entered, dossier filed, agrément, training, publication) goes on from the entrants, not
    # from the last step.
    stages, previous = [], None
    for key, label in labels:
        count = totals.get(key, 0)
        is_step = key.startswith("step_")
        is_side = key in sides
        if previous is None or is_side:
            conversion = None
        elif is_step:
            followers_key = "followers_" + key.removeprefix("step_")
            conversion = rate(count, totals.get(followers_key, totals.get("entered", 0)))
        else:
            conversion = rate(count, previous)
        stages.append(Stage(key, label, count, conversion, is_side))
        if not is_side and not is_step:
            previous = count

    def as_groups(source) -> list[FunnelGroup]:
        return [
            FunnelGroup(key, {k: source[key].get(k, 0) for k, _ in labels})
            for key in sorted(source)
        ]

    return Funnel(
        stages=stages,
        stage_labels=labels,
        by_cohort=as_groups(by_cohort),
        by_department=as_groups(by_department),
        withdrawals=withdrawals,
    )


def _reached(step, backend: str):
    """Reached the step, counted only for those who follow it."""
    condition = reached(step.id, dialect=backend)
    return condition if step.follows is None else and_(step.follows, condition)


def _withdrawals(session: Session, where) -> Withdrawals:
    rows = session.execute(
        select(Candidate.withdrawal_reason, TransitionLog.from_status, func.count())
        .outerjoin(
            TransitionLog,
            and_(TransitionLog.candidate_id == Candidate.id, TransitionLog.name == "withdraw"),
        )
        .where(where, Candidate.status == S.WITHDRAWN)
        .group_by(Candidate.withdrawal_reason, TransitionLog.from_status)
    ).all()
    by_reason: dict[WithdrawalReason, int] = defaultdict(int)
    by_stage: dict[CandidateStatus | None, int] = defaultdict(int)
    for reason, stage, value in rows:
        by_reason[reason] += value
        by_stage[stage] += value
    order = list(CandidateStatus)
    return Withdrawals(
        total=sum(by_reason.values()),
        by_reason=[(r, by_reason[r]) for r in WithdrawalReason if by_reason.get(r)],
        by_stage=sorted(
            by_stage.items(), key=lambda item: order.index(item[0]) if item[0] else len(order)
        ),
    )
