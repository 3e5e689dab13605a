"""Property: the API returns exactly the carers a brute-force filter accepts, in the documented
order (covers everything, then more half-days, more needs, nearer, smaller id)."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from onboarding.pathway.geography import distance_km
from onboarding.pathway.models import Commune
from onboarding.pathway.schedule import FULL_WEEK, HALF_DAYS, NEEDS
from tests.builders import TODAY
from tests.conftest import empty_tables
from tests.search.conftest import make_carer

# Greater Bordeaux and beyond: distances from 0 to about 50 km between them.
COMMUNES = ("33063", "33281", "33318", "33243", "33009", "33069", "33522", "33119", "33192",
            "33249", "33039", "33449", "24322")  # fmt: skip
DAY = st.integers(min_value=-30, max_value=120).map(lambda n: TODAY + timedelta(days=n))

vacancies = st.fixed_dictionaries(
    {
        "available_from": DAY,
        "age_min_months": st.integers(0, 24),
        "age_span": st.integers(0, 60),
        "half_days": st.integers(1, FULL_WEEK),
        **{name: st.booleans() for name in NEEDS},
    }
)
carers = st.fixed_dictionaries(
    {
        "commune": st.sampled_from(COMMUNES),
        "published": st.sampled_from((True, True, True, False)),
        # -1: never confirmed.
        "confirmed_days_ago": st.integers(-1, 250),
        "agrement_days_ago": st.integers(0, 800),
        "vacancies": st.lists(vacancies, min_size=0, max_size=3),
    }
)
searches = st.fixed_dictionaries(
    {
        "commune": st.sampled_from(COMMUNES),
        "radius_km": st.sampled_from((5, 10, 20, 30, 30)),
        "start_in": st.integers(0, 60),
        "age_days": st.integers(0, 900),
        "slots": st.sets(st.sampled_from(HALF_DAYS), min_size=1),
        "needs": st.sets(st.sampled_from(NEEDS)),
    }
)


def full_months(birth: date, on: date) -> int:
    months = (on.year - birth.year) * 12 + on.month - birth.month
    return months - (1 if on.day < birth.day else 0)


def expected(session, made, ask) -> list[tuple]:
    """The brute force: every rule of the search, written out on the Python objects."""
    origin = session.get(Commune, ask["commune"])
    start = TODAY + timedelta(days=ask["start_in"])
    birth = start - timedelta(days=ask["age_days"])
    age = full_months(birth, start)
    slots = {HALF_DAYS.index(name) for name in ask["slots"]}
    results = []
    for carer in made:
        if not carer.is_published or carer.last_confirmed_on is None:
            continue
        if carer.last_confirmed_on < TODAY - relativedelta(months=6):
            continue
        distance = distance_km(origin.latitude, origin.longitude, carer.latitude, carer.longitude)
        if distance > ask["radius_km"]:
            continue
        best = None
        for vacancy in carer.vacancies:
            covered = sum(1 for bit in slots if vacancy.half_days >> bit & 1)
            if (
                vacancy.available_from > start + timedelta(days=30)
                or not vacancy.age_min_months <= age <= vacancy.age_max_months
                or covered == 0
            ):
                continue
            needs = sum(1 for name in ask["needs"] if getattr(vacancy, name))
            full = covered == len(slots) and needs == len(ask["needs"])
            key = (not full, -covered, -needs, vacancy.available_from, vacancy.id)
            if best is None or key < best[0]:
                best = (key, vacancy, covered, full)
        if best is None:
            continue
        key, vacancy, covered, full = best
        results.append(
            ((key[0], key[1], key[2], distance, carer.id), carer.id, vacancy.id, covered, full)
        )
    results.sort(key=lambda row: row[0])
    return [
        (carer_id, vacancy_id, covered, full) for _, carer_id, vacancy_id, covered, full in results
    ]


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(made=st.lists(carers, min_size=5, max_size=25), ask=searches)
def test_the_api_returns_what_the_brute_force_accepts_in_order(app, client, made, ask):
    from onboarding.extensions import db

    session = db.session
    empty_tables()
    carers_made = [
        make_carer(
            session,
            spec["commune"],
            published=spec["published"],
            confirmed_on=None
            if spec["confirmed_days_ago"] < 0
            else TODAY - timedelta(days=spec["confirmed_days_ago"]),
            agrement_on=TODAY - timedelta(days=spec["agrement_days_ago"]),
            vacancies=[
                {
                    **{k: v for k, v in vacancy.items() if k != "age_span"},
                    "age_max_months": vacancy["age_min_months"] + vacancy["age_span"],
                }
                for vacancy in spec["vacancies"]
            ],
        )
        for spec in made
    ]
    session.commit()
    start = TODAY + timedelta(days=ask["start_in"])
    params = {
        "commune": ask["commune"],
        "radius_km": ask["radius_km"],
        "birth_date": (start - timedelta(days=ask["age_days"])).isoformat(),
        "start": start.isoformat(),
        "slots": ",".join(sorted(ask["slots"])),
        "needs": ",".join(sorted(ask["needs"])),
    }

    got, page = [], 1
    while True:
        response = client.get("/api/v1/carers", query_string={**params, "page": page})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        got += [
            (r["id"], r["vacancy"]["id"], r["coverage"]["half_days"], r["covers_all"])
            for r in body["results"]
        ]
        if page * 20 >= body["total"]:
            break
        page += 1

    event(f"found {min(len(got), 5)}")
    assert got == expected(session, carers_made, ask)
    assert body["total"] == len(got)
