"""Property: over random carers (agrément dates, expiry and suspension, training, consent,
withdrawal, freshness, places, capacities), the API, the search page and the carer's page show
exactly the carers an independent brute force allows, and no other."""

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from onboarding.pathway.geography import distance_km
from onboarding.pathway.models import Commune
from onboarding.pathway.schedule import FULL_WEEK, HALF_DAYS
from tests.builders import TODAY
from tests.conftest import empty_tables
from tests.search.conftest import make_carer

RESULT_LINK = r'<h3 class="fr-card__title"><a href="/assmat/(\d+)'
COMMUNES = ("33063", "33281", "33318", "33243", "33009", "33069", "33522")
DAY = st.integers(min_value=-30, max_value=120).map(lambda n: TODAY + timedelta(days=n))

vacancies = st.fixed_dictionaries(
    {
        "available_from": DAY,
        "age_min_months": st.integers(0, 12),
        "age_span": st.integers(0, 60),
        "half_days": st.integers(1, FULL_WEEK),
        "night": st.booleans(),
    }
)
carers = st.fixed_dictionaries(
    {
        "commune": st.sampled_from(COMMUNES),
        # (published, consented): the database refuses published without consent.
        "publication": st.sampled_from(((True, True), (True, True), (False, True), (False, False))),
        "confirmed_days_ago": st.integers(-1, 250),
        "agrement_days_ago": st.integers(0, 2500),
        # None: a first agrément's 5 years; else days from today (a renewal or an expiry near).
        "expires_in": st.one_of(st.none(), st.integers(-60, 200)),
        # None: unknown; past: done; future: the recorded end of a training in progress.
        "training_in": st.one_of(st.none(), st.integers(-400, 150)),
        "withdrawn": st.sampled_from((False, False, False, True)),
        # None: not suspended; else the suspension's last day, in days from today.
        "suspended_in": st.one_of(st.none(), st.none(), st.integers(-10, 100)),
        # Rows kept from before the capacity check may exceed it: publication refuses that,
        # the showing does not depend on it.
        "capacity": st.integers(1, 4),
        "vacancies": st.lists(vacancies, min_size=0, max_size=3),
    }
)
searches = st.fixed_dictionaries(
    {
        "commune": st.sampled_from(COMMUNES),
        "radius_km": st.sampled_from((10, 30, 30)),
        "start_in": st.integers(0, 90),
        "age_days": st.integers(0, 700),
        "slots": st.sets(st.sampled_from(HALF_DAYS), min_size=1),
        "night": st.booleans(),
    }
)


def full_months(birth: date, on: date) -> int:
    months = (on.year - birth.year) * 12 + on.month - birth.month
    return months - (1 if on.day < birth.day else 0)


def expiry(carer) -> date:
    return carer.agrement_expires_on


def not_suspended(carer, on: date) -> bool:
    return carer.agrement_suspended_until is None or carer.agrement_suspended_until < on


def page_allows(carer) -> bool:
    """The rule, written out: may parents open her page today?"""
    return (
        carer.is_published
        and carer.publication_consent_at is not None
        and carer.withdrawn_on is None
        and carer.last_confirmed_on is not None
        and carer.last_confirmed_on >= TODAY - relativedelta(months=6)
        and expiry(carer) >= TODAY
        and not_suspended(carer, TODAY)
        and carer.training_part1_on is not None
        and carer.training_part1_on <= expiry(carer)
    )


def search_allows(session, carer, ask) -> bool:
    """The rule and the search's filters, written out: does this search show her?"""
    start = TODAY + timedelta(days=ask["start_in"])
    if not page_allows(carer) or expiry(carer) < start:
        return False
    origin = session.get(Commune, ask["commune"])
    if (
        distance_km(origin.latitude, origin.longitude, carer.latitude, carer.longitude)
        > (ask["radius_km"])
    ):
        return False
    age = full_months(start - timedelta(days=ask["age_days"]), start)
    slots = {HALF_DAYS.index(name) for name in ask["slots"]}
    for vacancy in carer.vacancies:
        offered = max(vacancy.available_from, carer.training_part1_on)
        if (
            offered <= start + timedelta(days=30)
            and vacancy.available_from <= expiry(carer)
            and vacancy.age_min_months <= age <= vacancy.age_max_months
            and any(vacancy.half_days >> bit & 1 for bit in slots)
        ):
            return True
    return False


def _make(session, spec):
    confirmed = spec["confirmed_days_ago"]
    published, consented = spec["publication"]
    carer = make_carer(
        session,
        spec["commune"],
        published=published,
        consented=consented,
        confirmed_on=None if confirmed < 0 else TODAY - timedelta(days=confirmed),
        agrement_on=TODAY - timedelta(days=spec["agrement_days_ago"]),
        agrement_expires_on=None
        if spec["expires_in"] is None
        else TODAY + timedelta(days=spec["expires_in"]),
        training_part1_on=None
        if spec["training_in"] is None
        else TODAY + timedelta(days=spec["training_in"]),
        withdrawn_on=TODAY - timedelta(days=3) if spec["withdrawn"] else None,
        vacancies=[
            {
                **{k: v for k, v in vacancy.items() if k != "age_span"},
                "age_max_months": vacancy["age_min_months"] + vacancy["age_span"],
            }
            for vacancy in spec["vacancies"]
        ],
    )
    carer.agrement_capacity = spec["capacity"]
    if spec["suspended_in"] is not None:
        carer.agrement_suspended_until = TODAY + timedelta(days=spec["suspended_in"])
    return carer


def _api_ids(client, params) -> set[int]:
    found, page = [], 1
    while True:
        response = client.get("/api/v1/carers", query_string={**params, "page": page})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        found += [result["id"] for result in body["results"]]
        if page * 20 >= body["total"]:
            break
        page += 1
    assert len(found) == len(set(found)) == body["total"]
    return set(found)


def _page_ids(client, params) -> set[int]:
    found, page = set(), 1
    while True:
        response = client.get("/recherche", query_string={**params, "page": page})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        ids = {
            int(n) for n in re.findall(r'<h3 class="fr-card__title"><a href="/assmat/(\d+)', html)
        }
        found |= ids
        if len(ids) < 20:
            return found
        page += 1


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(made=st.lists(carers, min_size=4, max_size=22), ask=searches)
def test_search_api_and_carer_page_show_exactly_whom_the_rule_allows(app, client, made, ask):
    from onboarding.extensions import db

    session = db.session
    empty_tables()
    carers_made = [_make(session, spec) for spec in made]
    session.commit()
    start = TODAY + timedelta(days=ask["start_in"])
    params = {
        "commune": ask["commune"],
        "radius_km": ask["radius_km"],
        "birth_date": (start - timedelta(days=ask["age_days"])).isoformat(),
        "start": start.isoformat(),
        "slots": ",".join(sorted(ask["slots"])),
        "needs": "night" if ask["night"] else "",
    }

    allowed = {c.id for c in carers_made if search_allows(session, c, ask)}
    event(f"shown {min(len(allowed), 4)}")
    assert _api_ids(client, params) == allowed
    assert _page_ids(client, params) == allowed
    for carer in carers_made:
        status = client.get(f"/assmat/{carer.id}").status_code
        assert status == (200 if page_allows(carer) else 404), carer.id
