"""Who may be shown: the rule's terms, the carer's columns it reads kept true by the pathway, the
database's refusal of a publication without consent, and the capacity of her places."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from onboarding.pathway import carers, shown, transitions
from onboarding.pathway.base import utcnow
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.indicators import places
from onboarding.pathway.models import CandidateStatus, Carer, WithdrawalReason
from onboarding.pathway.schedule import FULL_WEEK, WORKING_WEEK, half_day_mask
from tests.builders import TODAY, complete_part1, make_candidate
from tests.search.conftest import make_carer

MONDAY_MORNING = half_day_mask(["mon_am"])


def _place(half_days: int, available_from: date = TODAY) -> carers.VacancyInput:
    return carers.VacancyInput(available_from, 0, 36, half_days)


# --- The database refuses a publication without consent (SQLite and PostgreSQL) ---------------


def test_the_database_refuses_a_published_carer_without_consent(session):
    with pytest.raises(IntegrityError, match="published_with_consent"):
        make_carer(session, published=True, consented=False, vacancies=[])  # it flushes
    session.rollback()


def test_the_database_refuses_to_withdraw_the_consent_of_a_published_carer(session):
    carer = make_carer(session, published=True, vacancies=[])
    session.commit()
    carer.publication_consent_at = None
    with pytest.raises(IntegrityError, match="published_with_consent"):
        session.flush()
    session.rollback()


def test_the_database_keeps_an_unpublished_carer_without_consent(session):
    carer = make_carer(session, published=False, consented=False, vacancies=[])
    session.commit()
    assert session.get(Carer, carer.id).publication_consent_at is None


# --- The rule's terms, one at a time ------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "on_page"),
    [
        ({}, True),
        ({"published": False}, False),
        ({"published": False, "consented": False}, False),
        ({"withdrawn_on": TODAY - timedelta(days=1)}, False),
        ({"confirmed_on": None}, False),
        ({"confirmed_on": date(2025, 9, 15)}, False),  # 6 months and a day
        ({"confirmed_on": date(2025, 9, 16)}, True),
        ({"agrement_expires_on": TODAY - timedelta(days=1)}, False),
        ({"agrement_expires_on": TODAY}, True),
        ({"training_part1_on": None}, False),
        # A training still running with its end recorded: shown, from that day.
        ({"training_part1_on": TODAY + timedelta(days=40)}, True),
        # ... unless the agrément ends first.
        (
            {
                "training_part1_on": TODAY + timedelta(days=40),
                "agrement_expires_on": TODAY + timedelta(days=39),
            },
            False,
        ),
    ],
)
def test_the_clause_and_the_predicate_agree_term_by_term(session, change, on_page):
    carer = make_carer(session, **change)
    session.commit()
    values = shown.parameters(today=TODAY, care_from=TODAY)
    in_sql = session.scalar(
        select(Carer.id).where(Carer.id == carer.id, shown.carer_clause(values=values))
    )
    assert (in_sql is not None) is on_page
    assert shown.may_show_carer(carer, today=TODAY) is on_page


def test_a_place_is_offered_from_the_end_of_her_training(session):
    carer = make_carer(
        session,
        training_part1_on=TODAY + timedelta(days=45),
        vacancies=[{"available_from": TODAY}, {"available_from": TODAY + timedelta(days=60)}],
    )
    first, later = sorted(carer.vacancies, key=lambda v: v.available_from)
    assert shown.offered_from(carer, first.available_from) == TODAY + timedelta(days=45)
    assert shown.offered_from(carer, later.available_from) == TODAY + timedelta(days=60)
    # A start today: the training ends more than 30 days after, she is not shown.
    assert not shown.may_show_place(carer, first, today=TODAY, start=TODAY)
    assert shown.may_show_place(carer, first, today=TODAY, start=TODAY + timedelta(days=15))


def test_a_place_after_her_agrement_ends_is_not_offered(session):
    carer = make_carer(
        session,
        agrement_expires_on=TODAY + timedelta(days=20),
        vacancies=[{"available_from": TODAY}, {"available_from": TODAY + timedelta(days=21)}],
    )
    assert [v.available_from for v, _ in shown.offered_places(carer)] == [TODAY]
    # A start after the expiry: nothing, though the place itself would suit.
    assert not shown.may_show_place(
        carer, carer.vacancies[0], today=TODAY, start=TODAY + timedelta(days=21)
    )
    assert shown.agrement_in_force(carer, TODAY + timedelta(days=20))
    assert not shown.agrement_in_force(carer, TODAY + timedelta(days=21))


# --- The pathway keeps the carer's columns true ---------------------------------------------------


def test_a_granted_agrement_gives_the_expiry_and_the_training_it_knows(session):
    candidate = make_candidate(session, CandidateStatus.APPROVED)
    carer = candidate.carer
    decision = candidate.decisions[-1]
    assert carer.agrement_expires_on == decision.valid_until
    assert carer.training_part1_on is None  # not trained yet: never shown
    assert not shown.may_show_carer(carer, today=TODAY)


def test_recording_her_part1_training_dates_her_places(session):
    candidate = make_candidate(session, CandidateStatus.APPROVED, referred_on=date(2025, 9, 1))
    done_on = TODAY - timedelta(days=3)
    complete_part1(session, candidate, on=done_on)
    assert candidate.carer.training_part1_on == done_on


def test_a_planned_training_end_is_kept_until_the_training_is_done(session):
    candidate = make_candidate(session, CandidateStatus.APPROVED, referred_on=date(2025, 9, 1))
    carer = candidate.carer
    shown.record_training_end(carer, TODAY + timedelta(days=30), today=TODAY)
    session.flush()
    assert carer.training_part1_on == TODAY + timedelta(days=30)
    complete_part1(session, candidate, on=TODAY - timedelta(days=1))
    assert carer.training_part1_on == TODAY - timedelta(days=1)
    shown.record_training_end(carer, TODAY + timedelta(days=90), today=TODAY)
    assert carer.training_part1_on == TODAY - timedelta(days=1)


def test_a_planned_training_end_in_the_past_is_refused(session):
    carer = make_carer(session, training_part1_on=None)
    with pytest.raises(RuleViolation, match="ne peut pas être passée"):
        shown.record_training_end(carer, TODAY - timedelta(days=1), today=TODAY)
    assert carer.training_part1_on is None


def test_a_carer_who_left_the_pathway_is_never_shown_again(session):
    candidate = make_candidate(session, CandidateStatus.ACTIVE)
    carer = candidate.carer
    assert carer.withdrawn_on is None
    transitions.withdraw(
        session, candidate, actor=None, on=TODAY - timedelta(days=2),
        reason=WithdrawalReason.MOVED, today=TODAY,
    )  # fmt: skip
    session.flush()
    assert carer.withdrawn_on == TODAY - timedelta(days=2)
    assert not shown.agrement_in_force(carer, TODAY)


# --- Her places never take more children at once than her agrément allows ------------------------


def test_places_are_counted_per_half_day_against_her_agrement(session):
    carer = make_carer(session, vacancies=[])
    carer.agrement_capacity = 2
    carers.add_vacancy(session, carer, _place(WORKING_WEEK), today=TODAY)
    carers.add_vacancy(
        session, carer, _place(MONDAY_MORNING | half_day_mask(["tue_pm"])), today=TODAY
    )
    session.flush()
    # Wednesday is taken once only: a second child there is allowed.
    carers.add_vacancy(session, carer, _place(half_day_mask(["wed_am"])), today=TODAY)
    session.flush()
    with pytest.raises(RuleViolation) as refused:
        carers.add_vacancy(
            session, carer, _place(MONDAY_MORNING | half_day_mask(["thu_am"])), today=TODAY
        )
    assert refused.value.field == "half_days"
    assert refused.value.message == (
        "Votre agrément vous autorise à accueillir 2 enfants en même temps : avec cette place, "
        "vous en proposeriez 3 à la fois (lundi matin). "
        "Retirez ces demi-journées ou une autre place."
    )
    session.flush()
    assert len(carer.vacancies) == 3


def test_a_carer_approved_for_one_child_publishes_one_place_a_half_day(session):
    carer = make_carer(session, vacancies=[])
    carer.agrement_capacity = 1
    carers.add_vacancy(session, carer, _place(MONDAY_MORNING), today=TODAY)
    session.flush()
    with pytest.raises(RuleViolation, match="1 enfant en même temps"):
        carers.add_vacancy(session, carer, _place(MONDAY_MORNING), today=TODAY)


def test_changing_a_place_does_not_count_it_twice(session):
    carer = make_carer(session, vacancies=[])
    carer.agrement_capacity = 1
    place = carers.add_vacancy(session, carer, _place(MONDAY_MORNING), today=TODAY)
    session.flush()
    carers.update_vacancy(place, _place(WORKING_WEEK), today=TODAY)
    assert place.half_days == WORKING_WEEK
    other = carers.add_vacancy(session, carer, _place(half_day_mask(["sat_am"])), today=TODAY)
    session.flush()
    with pytest.raises(RuleViolation):
        carers.update_vacancy(other, _place(MONDAY_MORNING), today=TODAY)
    assert other.half_days == half_day_mask(["sat_am"]), "a refused change changes nothing"


# --- The indicators count the places parents may see --------------------------------------------


def test_places_free_now_count_only_carers_the_rule_shows(session):
    candidates = [make_candidate(session, CandidateStatus.ACTIVE) for _ in range(3)]
    for candidate in candidates:
        carer = candidate.carer
        carer.is_published = True
        carer.publication_consent_at = utcnow()
        carer.last_confirmed_on = TODAY - timedelta(days=5)
        carers.add_vacancy(session, carer, _place(MONDAY_MORNING), today=TODAY)
    candidates[1].carer.agrement_expires_on = TODAY - timedelta(days=1)
    candidates[2].carer.last_confirmed_on = TODAY - timedelta(days=400)
    session.flush()
    found = places.capacity(session, departments=None, today=TODAY)
    assert [(d.department_code, d.places_free) for d in found.by_department] == [("33", 1)]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    capacity=st.integers(1, 4),
    steps=st.lists(
        st.tuples(st.sampled_from(("add", "update")), st.integers(1, FULL_WEEK), st.integers(0, 9)),
        min_size=1,
        max_size=12,
    ),
)
def test_no_sequence_of_changes_takes_more_children_than_the_agrement(session, capacity, steps):
    """Brute force: after each accepted change, no half-day is in more places than the
    agrément allows; a change is refused exactly when it would break that."""
    carer = make_carer(session, vacancies=[])
    carer.agrement_capacity = capacity
    for action, grid, which in steps:
        places = list(carer.vacancies)
        target = places[which % len(places)] if action == "update" and places else None
        others = [v.half_days for v in places if v is not target]
        breaks = any(
            grid >> bit & 1 and 1 + sum(mask >> bit & 1 for mask in others) > capacity
            for bit in range(14)
        )

        def change(target=target, grid=grid):
            if target is None:
                carers.add_vacancy(session, carer, _place(grid), today=TODAY)
            else:
                carers.update_vacancy(target, _place(grid), today=TODAY)

        if breaks:
            with pytest.raises(RuleViolation, match=f"accueillir {capacity} enfant"):
                change()
        else:
            change()
        for bit in range(14):
            assert sum(v.half_days >> bit & 1 for v in carer.vacancies) <= capacity
    session.rollback()
