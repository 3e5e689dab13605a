"""GET /api/v1/carers, /api/v1/communes and /api/v1/openapi.json: answers and refusals."""

from datetime import timedelta

import pytest

from tests.builders import TODAY
from tests.search.conftest import MERIGNAC

START = (TODAY + timedelta(days=20)).isoformat()
GOOD = {"commune": "33063", "radius_km": "10", "birth_date": "2025-09-01", "start": START,
        "slots": "mon_am,tue_am,sat_am", "needs": "early"}  # fmt: skip


def test_the_search_answers_the_documented_shape(client, session, carer_factory):
    carer = carer_factory(MERIGNAC, first_name="Léa", last_name="Durand",
                          vacancies=[{"early": True}])  # fmt: skip
    session.commit()

    response = client.get("/api/v1/carers", query_string=GOOD)

    assert response.status_code == 200
    body = response.get_json()
    assert (body["total"], body["page"]) == (1, 1)
    [result] = body["results"]
    assert result["id"] == carer.id
    assert result["first_name"] == "Léa"
    assert result["name"] == "Léa D."
    assert (result["commune"], result["insee_code"]) == ("Mérignac", MERIGNAC)
    assert result["distance_km"] == pytest.approx(6.1)
    assert result["coverage"]["text"] == "2 demi-journées sur 3"
    assert result["coverage"]["needs"] == 1
    assert result["covers_all"] is False
    assert result["vacancy"]["slots"][:2] == ["mon_am", "mon_pm"]
    assert result["vacancy"]["needs"] == ["early"]
    assert result["vacancy"]["available_from"] == TODAY.isoformat()
    assert result["newly_approved"] is False
    assert result["confirmed_at"] == (TODAY - timedelta(days=10)).isoformat()
    assert result["address"] is None
    assert "last_name" not in result
    assert "email" not in result
    assert "phone" not in result


def test_slots_and_needs_may_be_repeated_instead_of_comma_separated(client, session, carer_factory):
    carer_factory()
    session.commit()
    query = {**GOOD, "slots": ["mon_am", "tue_am"], "needs": ["early", "late"]}

    body = client.get("/api/v1/carers", query_string=query).get_json()

    assert body["results"][0]["coverage"]["text"] == "2 demi-journées sur 2"


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        ({"commune": None}, "commune"),
        ({"commune": "3306"}, "commune"),
        ({"commune": "99999"}, "commune"),
        ({"radius_km": None}, "radius_km"),
        ({"radius_km": "15"}, "radius_km"),
        ({"radius_km": "dix"}, "radius_km"),
        ({"birth_date": None}, "birth_date"),
        ({"birth_date": "2025-13-01"}, "birth_date"),
        ({"birth_date": "2000-01-01"}, "birth_date"),
        ({"start": None}, "start"),
        ({"start": "demain"}, "start"),
        ({"start": (TODAY - timedelta(days=1)).isoformat()}, "start"),
        ({"slots": None}, "slots"),
        ({"slots": "mon_am,lundi"}, "slots"),
        ({"needs": "early,sunday"}, "needs"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "x"}, "page"),
    ],
)
def test_a_missing_or_malformed_parameter_is_a_400_naming_it(client, change, parameter):
    query = {k: v for k, v in {**GOOD, **change}.items() if v is not None}

    response = client.get("/api/v1/carers", query_string=query)

    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_parameter"
    assert body["parameter"] == parameter
    assert body["message"]
    assert parameter in body["errors"]


def test_a_refusal_quoting_the_input_carries_no_markup(client):
    """The message quotes the unknown half-day; its < > & are JSON escapes, decoded the same."""
    query = {**GOOD, "slots": "<b>&lundi"}

    response = client.get("/api/v1/carers", query_string=query)

    assert response.status_code == 400
    assert response.mimetype == "application/json"
    raw = response.get_data(as_text=True)
    assert "<b>" not in raw
    assert "&" not in raw
    assert "\\u003cb\\u003e\\u0026lundi" in raw
    assert "<b>&lundi" in response.get_json()["errors"]["slots"]


def test_commune_suggestions_by_name_and_postcode(client):
    by_name = client.get("/api/v1/communes", query_string={"q": "merign"}).get_json()
    assert by_name["results"][0]["label"] == "Mérignac (33700)"
    by_postcode = client.get("/api/v1/communes", query_string={"q": "33000"}).get_json()
    assert [c["insee_code"] for c in by_postcode["results"]] == ["33063"]
    accents = client.get("/api/v1/communes", query_string={"q": "saint-etienne"}).get_json()
    assert accents["results"][0]["name"] == "Saint-Étienne"


@pytest.mark.parametrize("q", ["", "   ", "x" * 101])
def test_commune_suggestions_refuse_an_empty_or_long_text(client, q):
    response = client.get("/api/v1/communes", query_string={"q": q})
    assert response.status_code == 400
    assert response.get_json()["parameter"] == "q"


def test_openapi_describes_both_operations_and_their_parameters(client):
    document = client.get("/api/v1/openapi.json").get_json()

    assert document["openapi"].startswith("3.")
    search = document["paths"]["/carers"]["get"]
    names = {p["name"]: p["required"] for p in search["parameters"]}
    assert names == {"commune": True, "radius_km": True, "birth_date": True, "start": True,
                     "slots": True, "needs": False, "setting": False, "page": False}  # fmt: skip
    assert "400" in search["responses"]
    assert "/communes" in document["paths"]
    assert set(document["components"]["schemas"]["Carer"]["required"]) >= {
        "id", "first_name", "commune", "insee_code", "distance_km", "coverage", "covers_all",
        "vacancy", "newly_approved", "confirmed_at",
    }  # fmt: skip


def test_the_api_is_rate_limited_per_address(app, client):
    app.config["API_LIMIT_PER_ADDRESS"] = "3 per minute"
    codes = [client.get("/api/v1/communes", query_string={"q": "bord"}).status_code
             for _ in range(4)]  # fmt: skip
    assert codes == [200, 200, 200, 429]
    response = client.get("/api/v1/communes", query_string={"q": "bord"})
    assert response.get_json()["error"] == "rate_limited"
    other = client.get("/api/v1/communes", query_string={"q": "bord"},
                       environ_base={"REMOTE_ADDR": "192.0.2.9"})  # fmt: skip
    assert other.status_code == 200
