"""Totals and pages: exact up to `search.TOTAL_CAP` carers, a lower bound beyond ("plus de"),
told the same way by the domain, the page and the API; and pages found by tiers of quality
(carers who cover everything near first, then fewer needs) equal to the brute force."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onboarding.pathway import search
from onboarding.pathway.schedule import half_day_mask, needs_mask
from tests.builders import TODAY
from tests.conftest import empty_tables
from tests.search.conftest import MERIGNAC, PESSAC, make_carer
from tests.search.test_pages import query, text
from tests.search.test_property import carers, expected, searches
from tests.search.test_search import ask, ids

API = {"commune": "33063", "radius_km": 10, "birth_date": "2025-09-01",
       "start": (TODAY + timedelta(days=20)).isoformat(), "slots": "mon_am,tue_am"}  # fmt: skip


@pytest.fixture
def twenty_five(session, carer_factory):
    made = [carer_factory().id for _ in range(25)]
    session.commit()
    return made


def test_beyond_the_cap_the_total_is_a_lower_bound_until_the_last_page(
    session, twenty_five, monkeypatch
):
    monkeypatch.setattr(search, "TOTAL_CAP", 21)

    first, second, third = (ask(session, page=n) for n in (1, 2, 3))

    assert (first.total, first.total_is_lower_bound, first.pages) == (21, True, 2)
    # The last page knows how many there are.
    assert (second.total, second.total_is_lower_bound) == (25, False)
    assert ids(first) + ids(second) == twenty_five
    assert (third.hits, third.total, third.total_is_lower_bound) == ([], 21, True)


def test_up_to_the_cap_the_total_is_exact(session, twenty_five, monkeypatch):
    monkeypatch.setattr(search, "TOTAL_CAP", 25)

    first = ask(session)

    assert (first.total, first.total_is_lower_bound) == (25, False)


def test_the_page_says_plus_de_and_links_to_the_next_page(client, twenty_five, monkeypatch):
    monkeypatch.setattr(search, "TOTAL_CAP", 21)

    page = text(client.get("/recherche", query_string=query()))

    assert "Plus de 21 assistantes maternelles à moins de 10 km de Bordeaux" in page
    assert "Page suivante" in page


def test_the_page_writes_thousands_apart(app):
    assert app.jinja_env.filters["thousands"](1000) == "1\u202f000"
    assert app.jinja_env.filters["thousands"](999) == "999"


def test_the_api_says_the_total_is_a_lower_bound(client, twenty_five, monkeypatch):
    monkeypatch.setattr(search, "TOTAL_CAP", 21)

    first = client.get("/api/v1/carers", query_string=API).get_json()
    second = client.get("/api/v1/carers", query_string={**API, "page": 2}).get_json()

    assert (first["total"], first["total_is_lower_bound"], first["pages"]) == (21, True, 2)
    assert (second["total"], second["total_is_lower_bound"], len(second["results"])) == (
        25, False, 5,
    )  # fmt: skip


def test_those_who_cover_everything_near_first_then_the_others(session):
    """22 carers at Mérignac (6 km) cover everything; 3 at Bordeaux (0 km) do not; 1 at Pessac
    (5.4 km) covers everything: a page of 20 within 10 km is found within the circle of 10 km,
    nearest first, and nobody at Bordeaux comes before them."""
    partial = [make_carer(session, vacancies=[{"half_days": 0b1}]).id for _ in range(3)]
    pessac = make_carer(session, PESSAC).id
    merignac = [make_carer(session, MERIGNAC).id for _ in range(22)]
    session.commit()

    first, second = (ask(session, radius=20, page=n) for n in (1, 2))

    assert ids(first) == [pessac, *merignac[:19]]
    assert ids(second) == [*merignac[19:], *partial]
    assert first.hits[0].covers_all
    assert not second.hits[-1].covers_all


def test_with_needs_those_with_more_of_them_first(session):
    every = [{"early": True, "night": True}]
    one = [{"early": True}]
    with_one = [make_carer(session, vacancies=one).id for _ in range(21)]
    with_both = make_carer(session, MERIGNAC, vacancies=every).id
    session.commit()

    first = ask(session, radius=20, needs=("early", "night"))

    assert ids(first) == [with_both, *with_one[:19]]
    assert first.hits[0].covers_all
    assert first.hits[1].needs_covered == 1


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(made=st.lists(carers, min_size=20, max_size=60), ask_=searches)
def test_every_page_is_what_the_brute_force_gives(app, made, ask_):
    from onboarding.extensions import db

    session = db.session
    empty_tables()
    carers_made = [
        make_carer(
            session, spec["commune"], published=spec["published"],
            confirmed_on=None if spec["confirmed_days_ago"] < 0
            else TODAY - timedelta(days=spec["confirmed_days_ago"]),
            agrement_on=TODAY - timedelta(days=spec["agrement_days_ago"]),
            vacancies=[
                {**{k: v for k, v in vacancy.items() if k != "age_span"},
                 "age_max_months": vacancy["age_min_months"] + vacancy["age_span"]}
                for vacancy in spec["vacancies"]
            ],
        )
        for spec in made
    ]  # fmt: skip
    session.commit()
    start = TODAY + timedelta(days=ask_["start_in"])
    query = search.SearchQuery(
        ask_["commune"], ask_["radius_km"], start - timedelta(days=ask_["age_days"]), start,
        half_day_mask(ask_["slots"]), needs_mask(ask_["needs"]),
    )  # fmt: skip
    got, page = [], 1
    while True:
        result = search.search(session, search.SearchQuery(**{**query.__dict__, "page": page}),
                               today=TODAY)  # fmt: skip
        got += [(h.carer_id, h.vacancy.id, h.covered, h.covers_all) for h in result.hits]
        if page * search.PER_PAGE >= result.total:
            break
        page += 1

    assert got == expected(session, carers_made, ask_)
    assert result.total == len(got)
