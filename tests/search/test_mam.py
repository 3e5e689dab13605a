"""Maisons d'assistants maternels in the parents' search: the name on each hit, and the filter
"Tous les modes d'accueil / En MAM / À domicile" on the page, the API and the domain."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onboarding.pathway import search
from onboarding.pathway.models import Mam
from onboarding.pathway.schedule import WORKING_WEEK
from tests.builders import BORDEAUX, TODAY
from tests.conftest import empty_tables
from tests.search.conftest import MERIGNAC, PESSAC, make_carer

PARAMS = {
    "commune": BORDEAUX,
    "radius_km": "10",
    "birth_date": (TODAY - timedelta(days=300)).isoformat(),
    "start": (TODAY + timedelta(days=7)).isoformat(),
    "slots": "mon_am,tue_am",
}


def _mam(session, name="MAM Les Petits Pas", commune=BORDEAUX) -> Mam:
    mam = Mam(name=name, address="4 rue des Écoles", commune_insee=commune)
    session.add(mam)
    session.flush()
    return mam


def _ids(client, **extra) -> list[int]:
    response = client.get("/api/v1/carers", query_string={**PARAMS, **extra})
    assert response.status_code == 200, response.get_json()
    return [row["id"] for row in response.get_json()["results"]]


def test_a_carer_in_a_mam_shows_it_in_the_api_and_on_the_page(client, session):
    mam = _mam(session)
    inside = make_carer(session, first_name="Inès", last_name="Dumas")
    inside.mam = mam
    home = make_carer(session, MERIGNAC, first_name="Hélène", last_name="Roux")
    session.commit()
    body = client.get("/api/v1/carers", query_string=PARAMS).get_json()
    by_id = {row["id"]: row for row in body["results"]}
    assert by_id[inside.id]["mam"] == {"id": mam.id, "name": "MAM Les Petits Pas"}
    assert by_id[home.id]["mam"] is None
    page = client.get("/recherche", query_string={**PARAMS, "q": "Bordeaux"})
    html = page.get_data(as_text=True)
    assert html.count("En MAM : MAM Les Petits Pas") == 1
    assert '<option value="mam">En MAM</option>' in html


def test_the_filter_keeps_carers_in_a_mam_or_at_home(client, session):
    mam = _mam(session)
    inside = make_carer(session, first_name="Inès")
    inside.mam = mam
    home = make_carer(session, PESSAC, first_name="Hélène")
    session.commit()
    assert set(_ids(client)) == {inside.id, home.id}
    assert _ids(client, setting="any") == _ids(client)
    assert _ids(client, setting="mam") == [inside.id]
    assert _ids(client, setting="home") == [home.id]
    page = client.get("/recherche", query_string={**PARAMS, "q": "Bordeaux", "setting": "mam"})
    html = page.get_data(as_text=True)
    assert "Inès" in html
    assert "Hélène" not in html
    assert '<option value="mam" selected>En MAM</option>' in html


def test_an_unknown_setting_is_refused_in_french(client, session):
    response = client.get("/api/v1/carers", query_string={**PARAMS, "setting": "crèche"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["errors"]["setting"] == "Mode d'accueil inconnu (attendu : any, mam, home)."


def test_widenings_keep_the_setting(session):
    make_carer(session, first_name="Hélène")
    session.commit()
    query = search.SearchQuery(
        commune_insee=BORDEAUX, radius_km=5, birth_date=TODAY - timedelta(days=300),
        start=TODAY + timedelta(days=7), half_days=WORKING_WEEK, setting=search.CareSetting.MAM,
    )  # fmt: skip
    assert search.search(session, query, today=TODAY).total == 0
    # Only a MAM was asked for and none exists: no widening finds one.
    assert search.widenings(session, query, today=TODAY) == []


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    places=st.lists(
        st.tuples(st.sampled_from((BORDEAUX, MERIGNAC, PESSAC)), st.sampled_from((None, 0, 1))),
        min_size=1,
        max_size=12,
    )
)
def test_the_filter_is_exactly_the_mam_membership(app, client, places):
    """Whatever the carers, "En MAM" returns exactly those of the unfiltered search who work in
    a MAM, "À domicile" exactly the others, both in the unfiltered order; each hit names the
    carer's own MAM."""
    from onboarding.extensions import db

    session = db.session
    empty_tables()
    mams = [_mam(session, "MAM Les Petits Pas"), _mam(session, "MAM La Ribambelle", PESSAC)]
    made = {}
    for number, (commune, which) in enumerate(places):
        carer = make_carer(session, commune, first_name=f"Camille{number}")
        carer.mam = None if which is None else mams[which]
        made[carer.id] = carer
    session.commit()
    body = client.get("/api/v1/carers", query_string=PARAMS).get_json()
    everyone = [row["id"] for row in body["results"]]
    assert sorted(everyone) == sorted(made)
    for row in body["results"]:
        carer = made[row["id"]]
        expected = None if carer.mam is None else {"id": carer.mam.id, "name": carer.mam.name}
        assert row["mam"] == expected
    assert _ids(client, setting="mam") == [i for i in everyone if made[i].mam_id is not None]
    assert _ids(client, setting="home") == [i for i in everyone if made[i].mam_id is None]
