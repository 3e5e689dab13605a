"""Partial matches say what they miss, the same on the page and in the API; a carer still in
training is offered from the recorded end of her training, and not at all without it."""

import html
import re
from datetime import timedelta

from tests.builders import TODAY
from tests.search.conftest import MERIGNAC

START = TODAY + timedelta(days=20)
ASK = {"commune": "33063", "radius_km": "10", "birth_date": "2025-09-01",
       "start": START.isoformat(), "slots": "mon_am,wed_am,sat_am",
       "needs": "night,early"}  # fmt: skip


def page_text(response) -> str:
    page = response.get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def test_a_partial_match_names_the_half_days_and_needs_it_misses(client, session, carer_factory):
    # Monday morning and early care, no Wednesday, no Saturday, no night.
    carer_factory(MERIGNAC, first_name="Léa", last_name="Durand",
                  vacancies=[{"half_days": 1, "early": True}])  # fmt: skip
    session.commit()

    body = client.get("/api/v1/carers", query_string=ASK).get_json()
    [result] = body["results"]
    assert result["covers_all"] is False
    assert result["coverage"]["missing_slots"] == ["wed_am", "sat_am"]
    assert result["coverage"]["missing_needs"] == ["night"]
    assert result["coverage"]["missing_text"] == (
        "Demi-journées non couvertes : mercredi matin, samedi matin. Besoin non couvert : la nuit."
    )

    page = page_text(client.get("/recherche", query_string={**ASK, "q": "Bordeaux"}))
    assert "Demi-journées non couvertes : mercredi matin, samedi matin." in page
    assert "Besoin non couvert : la nuit." in page
    assert "1 demi-journée sur 3" in page


def test_a_full_match_misses_nothing(client, session, carer_factory):
    carer_factory(vacancies=[{"half_days": 0b11111111111111, "night": True, "early": True}])
    session.commit()

    [result] = client.get("/api/v1/carers", query_string=ASK).get_json()["results"]
    assert result["covers_all"] is True
    assert (result["coverage"]["missing_slots"], result["coverage"]["missing_needs"]) == ([], [])
    assert result["coverage"]["missing_text"] == ""
    page = page_text(client.get("/recherche", query_string={**ASK, "q": "Bordeaux"}))
    assert "non couvert" not in page


def test_a_carer_in_training_is_offered_from_its_recorded_end(client, session, carer_factory):
    ends = TODAY + timedelta(days=40)
    in_training = carer_factory(first_name="Inès", training_part1_on=ends)
    unknown = carer_factory(first_name="Zoé", training_part1_on=None)
    session.commit()

    results = client.get("/api/v1/carers", query_string=ASK).get_json()["results"]
    assert [r["id"] for r in results] == [in_training.id]
    assert results[0]["vacancy"]["available_from"] == ends.isoformat()

    page = page_text(client.get(f"/assmat/{in_training.id}"))
    assert "Place disponible à partir du 25 avril 2026" in page
    assert client.get(f"/assmat/{unknown.id}").status_code == 404

    # A start more than 30 days before the end of her training: not shown.
    early = {**ASK, "start": TODAY.isoformat()}
    assert client.get("/api/v1/carers", query_string=early).get_json()["total"] == 0


def test_the_openapi_document_describes_what_is_missing(client):
    document = client.get("/api/v1/openapi.json").get_json()
    coverage = document["components"]["schemas"]["Carer"]["properties"]["coverage"]
    assert {"missing_slots", "missing_needs", "missing_text"} <= set(coverage["required"])
    assert coverage["properties"]["missing_needs"]["items"]["enum"][2] == "night"
