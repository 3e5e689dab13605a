"""The search's rules, one by one: who is found, who is not, in which order, on which page."""

from calendar import monthrange
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from onboarding.pathway import search
from onboarding.pathway.schedule import FULL_WEEK, half_day_mask, needs_mask
from onboarding.pathway.search import SearchQuery, age_in_months, query_errors
from tests.builders import BORDEAUX, TODAY
from tests.search.conftest import ARCACHON, LIBOURNE, MERIGNAC, PESSAC

START = TODAY + timedelta(days=20)
BIRTH = date(2025, 9, 1)  # 7 months on START


def ask(session, *, commune=BORDEAUX, radius=10, birth=BIRTH, start=START,
        slots=("mon_am", "tue_am"), needs=(), page=1):  # fmt: skip
    query = SearchQuery(
        commune, radius, birth, start, half_day_mask(slots), needs_mask(needs), page
    )
    assert query_errors(query, today=TODAY) == {}
    return search.search(session, query, today=TODAY)


def ids(result):
    return [hit.carer_id for hit in result.hits]


def test_a_published_fresh_carer_with_a_place_is_found_with_her_facts(session, carer_factory):
    carer = carer_factory(MERIGNAC, first_name="Léa", last_name="Durand")
    session.commit()

    result = ask(session)

    assert result.total == 1
    [hit] = result.hits
    assert hit.carer_id == carer.id
    assert hit.public_name == "Léa D."
    assert hit.commune_name == "Mérignac"
    assert hit.distance_km == pytest.approx(6.11, abs=0.01)
    assert (hit.covered, hit.requested, hit.covers_all) == (2, 2, True)
    assert hit.address is None
    assert hit.confirmed_on == TODAY - timedelta(days=10)
    assert hit.newly_approved is False


@pytest.mark.parametrize(
    ("kwargs", "found"),
    [
        ({}, True),
        ({"published": False}, False),
        ({"confirmed_on": None}, False),
        # Stale after 6 months: the 16th of September is the last fresh day.
        ({"confirmed_on": date(2025, 9, 16)}, True),
        ({"confirmed_on": date(2025, 9, 15)}, False),
        ({"vacancies": []}, False),
        # Free on the start date or within 30 days after.
        ({"vacancies": [{"available_from": START + timedelta(days=30)}]}, True),
        ({"vacancies": [{"available_from": START + timedelta(days=31)}]}, False),
        # The child is 7 months old on the start date.
        ({"vacancies": [{"age_min_months": 7, "age_max_months": 7}]}, True),
        ({"vacancies": [{"age_min_months": 8}]}, False),
        ({"vacancies": [{"age_max_months": 6}]}, False),
        # No requested half-day at all: nothing to offer.
        ({"vacancies": [{"half_days": half_day_mask(["sat_am"])}]}, False),
        ({"vacancies": [{"half_days": half_day_mask(["sat_am", "tue_am"])}]}, True),
    ],
)
def test_who_is_found(session, carer_factory, kwargs, found):
    carer_factory(**kwargs)
    session.commit()
    assert ask(session).total == (1 if found else 0)


def test_the_radius_is_measured_from_commune_to_commune(session, carer_factory):
    pessac, merignac, libourne, arcachon = (
        carer_factory(c).id for c in (PESSAC, MERIGNAC, LIBOURNE, ARCACHON)
    )
    session.commit()

    assert ids(ask(session, radius=5)) == []
    assert ids(ask(session, radius=10)) == [pessac, merignac]
    assert ids(ask(session, radius=30)) == [pessac, merignac, libourne]
    assert arcachon not in ids(ask(session, radius=30))


def test_order_full_coverage_then_coverage_then_needs_then_distance(session, carer_factory):
    week = {"half_days": half_day_mask(["mon_am", "tue_am", "wed_am"])}
    near_partial = carer_factory(BORDEAUX, vacancies=[{"half_days": half_day_mask(["mon_am"])}])
    far_full = carer_factory(MERIGNAC, vacancies=[{**week, "early": True}])
    near_full = carer_factory(PESSAC, vacancies=[{**week, "early": True}])
    near_no_need = carer_factory(BORDEAUX, vacancies=[week])
    session.commit()

    result = ask(session, slots=("mon_am", "tue_am", "wed_am"), needs=("early",))

    assert ids(result) == [near_full.id, far_full.id, near_no_need.id, near_partial.id]
    assert [(h.covered, h.needs_covered, h.covers_all) for h in result.hits] == [
        (3, 1, True), (3, 1, True), (3, 0, False), (1, 0, False),
    ]  # fmt: skip


def test_a_carer_appears_once_with_her_best_place(session, carer_factory):
    carer = carer_factory(
        vacancies=[
            {"half_days": half_day_mask(["mon_am"])},
            {"half_days": half_day_mask(["mon_am", "tue_am"]), "available_from": START},
            {"half_days": FULL_WEEK, "available_from": START + timedelta(days=40)},
        ]
    )
    session.commit()

    [hit] = ask(session).hits
    assert hit.carer_id == carer.id
    assert hit.vacancy.available_from == START
    assert hit.covered == 2


def test_badges_and_address_shown_only_by_choice(session, carer_factory):
    carer_factory(agrement_on=TODAY - timedelta(days=300), show_address=True)
    carer_factory(agrement_on=TODAY - timedelta(days=400), address="caché")
    session.commit()

    hits = ask(session).hits
    assert [(h.newly_approved, h.address) for h in hits] == [
        (True, "3 rue des Lilas"), (False, None),
    ]  # fmt: skip


def test_pages_of_twenty(session, carer_factory):
    made = [carer_factory().id for _ in range(23)]
    session.commit()

    first, second, third = (ask(session, page=n) for n in (1, 2, 3))
    assert (first.total, second.total, third.total) == (23, 23, 23)
    assert first.pages == 2
    assert ids(first) + ids(second) == made
    assert ids(third) == []


def test_age_in_full_months():
    assert age_in_months(date(2025, 9, 1), date(2026, 4, 5)) == 7
    assert age_in_months(date(2025, 9, 10), date(2026, 4, 5)) == 6
    # A month after 31 January is the last day of February; after 29 February, 28 February.
    assert age_in_months(date(2026, 1, 31), date(2026, 2, 27)) == 0
    assert age_in_months(date(2026, 1, 31), date(2026, 2, 28)) == 1
    assert age_in_months(date(2024, 2, 29), date(2025, 2, 28)) == 12
    assert age_in_months(date(2026, 3, 31), date(2026, 4, 30)) == 1


@settings(max_examples=300, deadline=None)
@given(
    birth=st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    days=st.integers(-400, 7000),
    month_end=st.booleans(),
)
def test_age_in_months_counts_as_relativedelta_does(birth, days, month_end):
    on = birth + timedelta(days=days)
    if month_end:  # where the months' lengths differ
        on = on.replace(day=monthrange(on.year, on.month)[1])
    delta = relativedelta(on, birth)
    assert age_in_months(birth, on) == delta.years * 12 + delta.months


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"radius_km": 15}, "radius_km"),
        ({"start": TODAY - timedelta(days=1)}, "start"),
        ({"start": TODAY + timedelta(days=800)}, "start"),
        ({"birth_date": START + timedelta(days=1)}, "birth_date"),
        ({"birth_date": date(2000, 1, 1)}, "birth_date"),
        ({"half_days": 0}, "half_days"),
        ({"page": 0}, "page"),
    ],
)
def test_query_rules(change, field):
    fields = {"commune_insee": BORDEAUX, "radius_km": 10, "birth_date": BIRTH, "start": START,
              "half_days": 1, "needs": 0, "page": 1}  # fmt: skip
    assert query_errors(SearchQuery(**fields), today=TODAY) == {}
    errors = query_errors(SearchQuery(**{**fields, **change}), today=TODAY)
    assert list(errors) == [field]


def test_a_birth_expected_on_the_start_date_is_accepted(session, carer_factory):
    carer_factory()
    session.commit()
    assert ask(session, birth=START).total == 1


def test_widenings_say_what_finds_someone(session, carer_factory):
    carer_factory(LIBOURNE)
    carer_factory(BORDEAUX, vacancies=[{"available_from": START + timedelta(days=45)}])
    carer_factory(BORDEAUX, vacancies=[{"half_days": half_day_mask(["sat_pm"])}])
    session.commit()
    query = SearchQuery(BORDEAUX, 10, BIRTH, START, half_day_mask(["mon_am"]), 0, 1)

    assert search.search(session, query, today=TODAY).total == 0
    found = {w.field: w.found for w in search.widenings(session, query, today=TODAY)}
    assert found == {"radius_km": 1, "start": 1, "half_days": 1}


def test_no_widening_is_offered_that_the_search_would_refuse(session, carer_factory):
    """A start a month later than one near the two-year limit is past it: not offered, though a
    carer is free then (its link would only say the date is too far)."""
    near_the_limit = search.latest_start(TODAY) - timedelta(days=5)
    carer_factory(BORDEAUX, vacancies=[{"available_from": near_the_limit + timedelta(days=45)}])
    session.commit()
    query = SearchQuery(BORDEAUX, 10, BIRTH, near_the_limit, half_day_mask(["mon_am"]), 0, 1)

    assert search.search(session, query, today=TODAY).total == 0
    offered = [w.field for w in search.widenings(session, query, today=TODAY)]
    assert "start" not in offered
    later = search.replace(query, start=query.start + search.LATER_START)
    assert search.query_errors(later, today=TODAY)
