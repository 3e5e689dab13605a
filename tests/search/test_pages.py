"""/recherche without JavaScript: the form, the place typed as a name or a postcode, the results,
the pages, what to widen when nothing is found, and a French message at each wrong field."""

import html
import re
from datetime import timedelta

import pytest

from tests.builders import TODAY
from tests.search.conftest import LIBOURNE, MERIGNAC

START = (TODAY + timedelta(days=20)).isoformat()


def query(**change):
    base = {"q": "Bordeaux", "radius_km": "10", "birth_date": "2025-09-01", "start": START,
            "slots": ["mon_am", "tue_am"]}  # fmt: skip
    return {k: v for k, v in {**base, **change}.items() if v is not None}


def text(response) -> str:
    page = response.get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_the_empty_form(client):
    response = client.get("/recherche")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    for name in ("q", "radius_km", "birth_date", "start", "slots", "needs"):
        assert f'name="{name}"' in body
    assert "Rechercher" in body


def test_results_show_the_facts_parents_need(client, session, carer_factory):
    carer_factory(MERIGNAC, first_name="Léa", last_name="Durand", show_address=True,
                  agrement_on=TODAY - timedelta(days=100))  # fmt: skip
    carer_factory(first_name="Nadia", last_name="Petit", vacancies=[{"half_days": 1}])
    session.commit()

    response = client.get("/recherche", query_string=query())

    assert response.status_code == 200
    page = text(response)
    assert "2 assistantes maternelles à moins de 10 km de Bordeaux" in page
    assert page.index("Léa D.") < page.index("Nadia P.")  # full coverage first, though farther
    assert "Mérignac · à 6,1 km" in page
    assert "3 rue des Lilas" in page
    assert "2 demi-journées sur 2" in page
    assert "1 demi-journée sur 2" in page
    assert "Nouvellement agréée" in page
    assert "Disponibilités confirmées le 6 mars 2026" in page
    assert "Place disponible à partir du 16 mars 2026, pour un enfant de 0 mois à 3 ans" in page
    assert "Durand" not in page


def test_the_map_is_an_extra_with_its_data_on_the_list(client, session, carer_factory, app):
    carer_factory(MERIGNAC)
    session.commit()
    body = client.get("/recherche", query_string=query()).get_data(as_text=True)
    assert 'id="carte"' in body
    assert "hidden" in body
    assert 'data-tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in body
    assert 'data-latitude="44.84618"' in body
    # The map reads her name, page and commune from her card.
    assert '<span class="search-commune">Mérignac</span>' in body
    assert "vendor/leaflet/leaflet.js" in body
    assert "<style" not in body
    assert "style=" not in body
    assert re.search(r"<script(?![^>]*\bsrc=)", body) is None, "no inline script"

    app.config["MAP_TILE_URL"] = ""
    body = client.get("/recherche", query_string=query()).get_data(as_text=True)
    assert 'id="carte"' not in body
    assert "leaflet.js" not in body


def test_a_postcode_of_several_communes_asks_which(client, session, carer_factory):
    response = client.get("/recherche", query_string=query(q="33220"))
    page = text(response)
    assert "Plusieurs communes correspondent : choisissez la vôtre." in page
    assert "Laquelle de ces communes ?" in page
    assert "Sainte-Foy-la-Grande" in page
    assert "assistantes maternelles à moins" not in page


def test_choosing_one_of_them_searches_from_it(client, session, carer_factory):
    carer_factory(LIBOURNE)
    session.commit()
    page = text(client.get("/recherche", query_string=query(q="33500", commune="33243")))
    assert "1 assistante maternelle à moins de 10 km de Libourne" in page


def test_a_postcode_of_one_commune_searches_at_once(client, session, carer_factory):
    carer_factory()
    session.commit()
    page = text(client.get("/recherche", query_string=query(q="33000")))
    assert "1 assistante maternelle à moins de 10 km de Bordeaux" in page


@pytest.mark.parametrize(
    ("label", "insee"),
    [("Paris (75)", "75056"), ("Lyon (69)", "69123"), ("Marseille (13)", "13055")],
)
def test_a_city_without_a_postcode_of_its_own_is_found_by_its_label(
    client, session, carer_factory, label, insee
):
    """Paris, Lyon and Marseille: their postcodes are their arrondissements', so the suggestions
    and the search box write them with their département, and that label searches again."""
    carer_factory(insee, first_name="Zoé", last_name="Centre")
    session.commit()
    city = label.split(" (")[0]
    first = client.get("/recherche", query_string=query(q=city))
    assert f'name="q" value="{label}"' in first.get_data(as_text=True)
    again = text(client.get("/recherche", query_string=query(q=label)))
    assert f"1 assistante maternelle à moins de 10 km de {city}" in again
    assert "Aucune commune ne correspond" not in again


def test_a_place_typed_again_after_a_commune_was_picked_is_the_one_searched(client):
    """The list of communes has the first one ticked: typed over, the new place is searched, not
    the ticked one (which stands while its text is still there)."""
    kept = client.get("/recherche", query_string=query(q="93200", commune="93066"))
    assert 'name="q" value="Saint-Denis (93200)"' in kept.get_data(as_text=True)
    typed_over = client.get("/recherche", query_string=query(q="97400", commune="93066"))
    assert 'name="q" value="Saint-Denis (97400)"' in typed_over.get_data(as_text=True)
    by_name = client.get("/recherche", query_string=query(q="Saint-Denis", commune="93066"))
    assert 'name="q" value="Saint-Denis (93200)"' in by_name.get_data(as_text=True)


def test_an_unknown_place_is_said_at_its_field(client):
    response = client.get("/recherche", query_string=query(q="Zzyzx"))
    assert "Aucune commune ne correspond à « Zzyzx »" in text(response)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"radius_km": None}, "Choisissez une distance."),
        ({"radius_km": "12"}, "Choisissez une distance de 5, 10, 20 ou 30 km."),
        ({"birth_date": None}, "Indiquez la date de naissance"),
        ({"birth_date": "31/02/2025"}, "Date de naissance invalide"),
        ({"start": (TODAY - timedelta(days=1)).isoformat()}, "ne peut pas être dans le passé"),
        ({"start": "2025-01-01", "birth_date": "2025-06-01"}, "ne peut pas être dans le passé"),
        ({"slots": None}, "Cochez au moins une demi-journée."),
        ({"slots": ["mon_am", "noon"]}, "Demi-journée inconnue"),
        ({"q": None}, "Indiquez une commune ou un code postal."),
    ],
)
def test_wrong_input_shows_the_form_with_a_french_message(client, change, message):
    response = client.get("/recherche", query_string=query(**change))
    assert response.status_code == 200
    page = text(response)
    assert "La recherche n'a pas pu être lancée" in page
    assert message in page
    assert 'aria-invalid="true"' in response.get_data(as_text=True) or "fr-fieldset--error" in (
        response.get_data(as_text=True)
    )


def test_dates_may_be_typed_the_french_way(client, session, carer_factory):
    carer_factory()
    session.commit()
    start = (TODAY + timedelta(days=20)).strftime("%d/%m/%Y")
    page = text(client.get("/recherche", query_string=query(birth_date="01/09/2025", start=start)))
    assert "1 assistante maternelle" in page


def test_dates_typed_the_french_way_are_shown_back_in_the_date_fields(client):
    """A date input shows only YYYY-MM-DD: as typed, "01/09/2025" would come back empty."""
    start = TODAY + timedelta(days=20)
    body = client.get(
        "/recherche", query_string=query(birth_date="01/09/2025", start=f"{start:%d/%m/%Y}")
    ).get_data(as_text=True)
    assert 'value="2025-09-01"' in body
    assert f'value="{start.isoformat()}"' in body
    assert "01/09/2025" not in body


def test_nothing_found_says_what_to_widen(client, session, carer_factory):
    carer_factory(LIBOURNE)
    session.commit()
    response = client.get("/recherche", query_string=query())
    page = text(response)
    assert "Aucune assistante maternelle ne correspond" in page
    assert "Élargir la distance à 30 km : 1 résultat" in page
    assert "radius_km=30" in response.get_data(as_text=True)


def test_pages_link_to_each_other_keeping_the_search(client, session, carer_factory):
    for _ in range(25):
        carer_factory()
    session.commit()
    first = client.get("/recherche", query_string=query()).get_data(as_text=True)
    assert "25 assistantes maternelles" in first
    assert first.count('class="fr-card fr-mb-3w search-result"') == 20
    assert "Page suivante" in first
    link = html.unescape(re.search(r'href="([^"]*page=2[^"]*)"', first).group(1))
    second = client.get(link).get_data(as_text=True)
    assert second.count('class="fr-card fr-mb-3w search-result"') == 5
    assert 'start="21"' in second
    assert "Page précédente" in second


def test_a_result_links_to_the_carer_page_with_the_search_to_prefill(
    client, session, carer_factory
):
    carer = carer_factory()
    session.commit()
    body = client.get("/recherche", query_string=query()).get_data(as_text=True)
    link = html.unescape(re.search(rf'href="(/assmat/{carer.id}\?[^"]*)"', body).group(1))
    page = client.get(link).get_data(as_text=True)
    assert 'value="Bordeaux (33000)"' in page
    assert 'value="2025-09-01"' in page
    assert 'id="slots-mon_am" name="slots" value="mon_am" checked' in page


def test_a_page_past_the_last_one_says_so_and_links_back(client, session, carer_factory):
    carer_factory()
    session.commit()
    response = client.get("/recherche", query_string=query(page="5"))
    page = text(response)
    assert "1 assistante maternelle" in page
    assert "Cette page n'existe pas" in page


@pytest.mark.parametrize(
    ("parameter", "message"),
    [("page", "Numéro de page invalide."), ("radius_km", "Distance invalide")],
)
def test_a_superscript_digit_is_refused_in_french_not_a_crash(client, parameter, message):
    response = client.get("/recherche", query_string=query(**{parameter: "²"}))
    assert response.status_code == 200
    page = text(response)
    assert message in page
    # The page number has no field to mark: the alert does not send her looking for one.
    assert ("Corrigez le champ signalé" in page) == (parameter != "page")


def test_a_carer_number_beyond_what_the_database_holds_is_no_such_page(client):
    for path in ("/assmat/99999999999999999999", "/assmat/99999999999999999999/demande-envoyee"):
        assert client.get(path).status_code == 404


@pytest.mark.parametrize("reloaded", [False, True])
def test_the_forms_checkboxes_show_what_was_asked_whether_written_once_or_each_time(
    client, app, reloaded
):
    app.jinja_env.auto_reload = reloaded  # development: templates read again when edited
    asked = query(slots=["mon_am", "wed_pm"], needs=["early", "night"])
    for _ in range(2):  # the second time as kept
        body = client.get("/recherche", query_string=asked).get_data(as_text=True)
        boxes = re.findall(
            r'<input type="checkbox" id="(slots|needs)-(\w+)"[^>]*?( checked)?>', body
        )
        assert len(boxes) == 14 + 7
        checked = {f"{field}-{value}" for field, value, on in boxes if on}
        assert checked == {"slots-mon_am", "slots-wed_pm", "needs-early", "needs-night"}
