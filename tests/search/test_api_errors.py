"""Every error of the JSON API is in the shape its OpenAPI document gives: each operation lists
400, 404, 405, 429, 500 and 503, and each is produced here on the real operations and checked
against the document (the `client` of this folder checks every /api/ answer)."""

import pytest
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.response.exceptions import InvalidData
from sqlalchemy.exc import OperationalError

from onboarding.api import routes
from onboarding.api.openapi import document
from tests import api_contract
from tests.search.test_api import GOOD

STATUSES = {"200", "400", "404", "405", "429", "500", "503"}


def test_every_operation_documents_every_status_it_can_answer():
    paths = document("http://localhost/api/v1")["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert set(operation["responses"]) == STATUSES, (method, path)


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("/api/v1/communes", {"q": "ab\x00c"}, "q"),
        ("/api/v1/carers", {**GOOD, "needs": "early\x00"}, "needs"),
        ("/api/v1/carers", {**GOOD, "slo\x00ts": "mon_am"}, "slots"),
    ],
)
def test_a_nul_character_is_a_documented_400_naming_the_parameter(client, path, query, parameter):
    response = client.get(path, query_string=query)

    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_parameter"
    assert body["parameter"] == parameter
    assert "caractère nul" in body["message"]
    assert body["errors"] == {parameter: body["message"]}


def test_an_unknown_path_is_a_documented_404(client):
    response = client.get("/api/v1/nulle-part")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/api/v1/carers", "/api/v1/communes"])
def test_another_method_is_a_documented_405_with_allow(client, path, method):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("path", ["/api/v1/carers", "/api/v1/communes"])
def test_too_many_calls_are_a_documented_429(app, client, path):
    app.config["API_LIMIT_PER_ADDRESS"] = "1 per minute"
    client.get(path, query_string={"q": "bord", **GOOD})

    response = client.get(path, query_string={"q": "bord", **GOOD})

    assert response.status_code == 429
    assert response.get_json()["error"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


@pytest.fixture
def crashing_search(app, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def crash(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(routes.search, "search", crash)
    monkeypatch.setattr(routes.commune_search, "suggestions", crash)


@pytest.mark.parametrize("path", ["/api/v1/carers", "/api/v1/communes"])
def test_a_crash_is_a_documented_500(client, crashing_search, path):
    response = client.get(path, query_string={"q": "bord", **GOOD})
    assert response.status_code == 500
    assert response.get_json()["error"] == "internal_error"
    assert "secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/carers", "/api/v1/communes"])
def test_a_database_that_does_not_answer_is_a_documented_503(client, monkeypatch, path):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(routes.search, "search", unreachable)
    monkeypatch.setattr(routes.commune_search, "suggestions", unreachable)

    response = client.get(path, query_string={"q": "bord", **GOOD})

    assert response.status_code == 503
    assert response.get_json()["error"] == "unavailable"


# --- the check itself can fail ---------------------------------------------------------------


@pytest.fixture
def unchecked(app):
    """A client that does not check by itself, to show what the check refuses."""
    return app.test_client()


def test_the_check_refuses_an_error_body_outside_the_document(app, unchecked, monkeypatch):
    """The shape the app answered before: {"error": {"code": 400, …}}."""

    def old_shape(errors):
        return {"error": {"code": 400, "title": "Requête invalide", "message": "…"}}, 400

    monkeypatch.setattr(routes, "invalid_parameters", old_shape)
    response = unchecked.get("/api/v1/communes", query_string={"q": ""})
    assert response.status_code == 400
    with pytest.raises(InvalidData) as refused:
        api_contract.check(response)
    assert "is not of type 'string'" in str(refused.value.__cause__)


def test_the_check_refuses_an_undocumented_status(app, unchecked, monkeypatch):
    def teapot(errors):
        return {"error": "invalid_parameter", "parameter": "q", "message": "…"}, 418

    monkeypatch.setattr(routes, "invalid_parameters", teapot)
    response = unchecked.get("/api/v1/communes", query_string={"q": ""})
    assert response.status_code == 418
    with pytest.raises(ResponseNotFound):
        api_contract.check(response)


def test_the_check_refuses_a_400_that_names_no_parameter(unchecked, monkeypatch):
    def nameless(errors):
        return {"error": "invalid_parameter", "message": "…"}, 400

    monkeypatch.setattr(routes, "invalid_parameters", nameless)
    response = unchecked.get("/api/v1/communes", query_string={"q": ""})
    with pytest.raises(InvalidData) as refused:
        api_contract.check(response)
    assert "'parameter' is a required property" in str(refused.value.__cause__)


def test_the_check_refuses_an_unknown_path_answered_as_html(app, unchecked):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/api/v1/test-html-error")
    def html_error():
        return "<p>Erreur</p>", 500

    response = unchecked.get("/api/v1/test-html-error")
    with pytest.raises(AssertionError, match="text/html"):
        api_contract.check(response)


@pytest.mark.parametrize(
    ("parameter", "value", "message"),
    [
        ("page", "²", "Numéro de page invalide."),
        ("radius_km", "²", "Distance invalide"),
        ("page", "99999999999999999999", "Numéro de page invalide."),
    ],
)
def test_a_number_int_would_refuse_is_a_documented_400(client, parameter, value, message):
    """ "²" is a digit to str.isdigit() but not to int(): refused, not a crash."""
    response = client.get("/api/v1/carers", query_string={**GOOD, parameter: value})

    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter
    assert message in body["errors"][parameter]
