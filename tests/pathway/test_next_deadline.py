"""One rule for a candidate's next deadline: the Python form (situation.next_deadline) and its SQL
form (the kept columns, the list's order and filter, the indicators' count) agree on random
candidates, including the départements where part-1 training gets 8 months."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from onboarding.pathway import indicators, next_deadline, situation
from onboarding.pathway.models import (
    AgrementDecision,
    Candidate,
    CandidateStatus,
    Carer,
    DecisionOutcome,
    ReferralSource,
    Training,
    TrainingKind,
)
from onboarding.pathway.models.candidates import _status_change_allowed
from tests import builders

S = CandidateStatus
DAY0 = date(2022, 1, 1)
COMMUNES = {"33": builders.BORDEAUX, "24": builders.PERIGUEUX}

days = st.integers(min_value=0, max_value=5 * 365)
decision = st.tuples(st.sampled_from(list(DecisionOutcome)), days, st.integers(1, 10))
training = st.tuples(
    st.sampled_from([1, 2]),
    st.sampled_from(list(TrainingKind)),
    st.sampled_from([Decimal(15), Decimal(40), Decimal(80)]),
    st.booleans(),
    days,
)
candidate_spec = st.fixed_dictionaries(
    {
        # Every status, those with clocks running more often.
        "status": st.sampled_from(
            [*CandidateStatus, *([S.UNDER_EVALUATION, S.APPROVED, S.ACTIVE] * 3)]
        ),
        "department": st.sampled_from(sorted(COMMUNES)),
        "complete": st.one_of(st.none(), days),
        "cap_units": st.booleans(),
        "decisions": st.lists(decision, max_size=2),
        "trainings": st.lists(training, max_size=3),
        "first_child": st.one_of(st.none(), days),
    }
)


def _day(offset: int) -> date:
    return DAY0 + timedelta(days=offset)


def _candidate(session, number: int, spec: dict) -> Candidate:
    candidate = Candidate(
        first_name="Alex",
        last_name=f"Hasard{number}",
        commune_insee=COMMUNES[spec["department"]],
        referral_source=ReferralSource.CAF,
        referred_on=DAY0,
        dossier_complete_on=None if spec["complete"] is None else _day(spec["complete"]),
        has_cap_aepe_units=spec["cap_units"],
    )
    token = _status_change_allowed.set(True)
    try:
        candidate.status = spec["status"]
    finally:
        _status_change_allowed.reset(token)
    session.add(candidate)
    return candidate


def _hang_records(session, candidate: Candidate, spec: dict) -> None:
    """Decisions, training and the first child, each flushed on its own after the candidate's
    own flush: the kept columns must follow changes to each kind of related row."""
    for outcome, decided, years in sorted(spec["decisions"], key=lambda d: d[1]):
        positive = outcome != DecisionOutcome.REFUSED
        session.add(
            AgrementDecision(
                candidate=candidate,
                outcome=outcome,
                decided_on=_day(decided),
                capacity=4 if positive else None,
                valid_until=_day(decided + 365 * years) if positive else None,
            )
        )
    session.flush()
    for part, kind, hours, passed, on in spec["trainings"]:
        evaluation = kind == TrainingKind.EVALUATION
        session.add(
            Training(
                candidate=candidate,
                part=1 if evaluation else part,
                block=3 if part == 1 and not evaluation else None,
                kind=kind,
                hours=Decimal(3) if evaluation else hours,
                passed=passed if evaluation else None,
                includes_first_aid=passed,
                completed_on=_day(on),
            )
        )
    session.flush()
    if spec["first_child"] is not None:
        session.add(
            Carer(
                candidate=candidate,
                first_name=candidate.first_name,
                last_name=candidate.last_name,
                commune_insee=candidate.commune_insee,
                latitude=44.8,
                longitude=-0.58,
                agrement_on=DAY0,
                agrement_capacity=4,
                first_child_on=_day(spec["first_child"]),
            )
        )


def _python_form(candidates):
    found = {}
    for candidate in candidates:
        deadline = situation.next_deadline(candidate)
        found[candidate.id] = deadline.due_on if deadline else None
    return found


@pytest.fixture
def extended_reset():
    yield
    situation.configure(extended_training_departments=())


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(candidate_spec, min_size=1, max_size=6),
    extended=st.sets(st.sampled_from(sorted(COMMUNES))),
    today_choice=st.integers(min_value=0),
    today_shift=st.integers(min_value=-2, max_value=2),
    within=st.sampled_from([0, 14, 30]),
)
def test_sql_and_python_forms_agree(
    session, extended_reset, specs, extended, today_choice, today_shift, within
):
    situation.configure(extended_training_departments=extended)
    try:
        candidates = [_candidate(session, n, spec) for n, spec in enumerate(specs)]
        session.flush()
        for candidate, spec in zip(candidates, specs, strict=True):
            _hang_records(session, candidate, spec)
        session.flush()
        for candidate in candidates:
            session.refresh(candidate)
        python = _python_form(candidates)
        # Today near one of the deadlines, so that the bounds of "past" and "within" are tried.
        dues = sorted({due for due in python.values() if due}) or [DAY0]
        today = dues[today_choice % len(dues)] + timedelta(days=today_shift - within)
        ids = [c.id for c in candidates]
        in_these = Candidate.id.in_(ids)

        kept = dict(session.execute(select(Candidate.id, Candidate.next_deadline_on)).all())
        assert kept == python

        attention = set(
            session.scalars(
                select(Candidate.id).where(
                    in_these, situation.deadline_attention_clause(today, within_days=within)
                )
            )
        )
        assert attention == {
            i for i, due in python.items() if due and due <= today + timedelta(within)
        }

        past = {i for i, due in python.items() if due and due < today}
        assert (
            set(
                session.scalars(
                    select(Candidate.id).where(in_these, situation.past_deadline_clause(today))
                )
            )
            == past
        )
        counts, listed = indicators.past_deadlines(session, departments=None, today=today)
        assert sum(counts.values()) == len(past)
        assert {p.candidate_id for p in listed} == past

        order = list(
            session.scalars(
                select(Candidate.id).where(in_these).order_by(*situation.next_deadline_order())
            )
        )
        assert order == sorted(ids, key=lambda i: (python[i] is None, python[i] or today, i))

        # Every candidate's state on the page agrees with the filter: past or near is listed.
        for candidate in candidates:
            deadline = situation.next_deadline(candidate)
            shown = deadline.state(today) if deadline else None
            if shown == "overdue":
                assert candidate.id in past
    finally:
        session.rollback()


def test_a_training_recorded_later_moves_the_kept_deadline(session):
    candidate = builders.make_candidate(session, CandidateStatus.APPROVED)
    session.commit()
    assert candidate.next_deadline == "training_part1"
    due = candidate.next_deadline_on
    assert due == situation.next_deadline(candidate).due_on

    builders.complete_part1(session, candidate, on=builders.TODAY)
    session.commit()
    session.expire_all()
    assert candidate.next_deadline == "renewal_notice"
    assert candidate.next_deadline_on > due


def test_the_configured_departements_give_part1_training_eight_months(session, extended_reset):
    candidate = builders.make_candidate(session, CandidateStatus.APPROVED)
    session.commit()
    complete = candidate.dossier_complete_on
    assert candidate.next_deadline_on == complete + relativedelta(months=6)

    situation.configure(extended_training_departments=("33",))
    assert next_deadline.recompute(session) == 1
    session.commit()
    session.expire_all()
    assert candidate.next_deadline == "training_part1"
    assert candidate.next_deadline_on == complete + relativedelta(months=8)


def test_recompute_command_rewrites_every_row(session, runner, extended_reset):
    candidate = builders.make_candidate(session, CandidateStatus.APPROVED)
    session.commit()
    complete = candidate.dossier_complete_on
    situation.configure(extended_training_departments=("33",))
    result = runner.invoke(args=["recompute-deadlines"])
    assert result.exit_code == 0, result.output
    assert "1 candidate(s)" in result.output
    session.expire_all()
    assert candidate.next_deadline_on == complete + relativedelta(months=8)
