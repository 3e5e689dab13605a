"""Security headers on every response, session cookies, debug refused in production, and error
pages in French that say nothing more, as HTML for people and JSON for the API."""

import re

import pytest
from flask import abort

from onboarding import create_app
from onboarding.config import ConfigurationError
from onboarding.public.routes import ERRORS
from onboarding.security import content_security_policy, tile_origin
from tests import api_contract

EVERY_KIND_OF_RESPONSE = [
    ("/", 200),
    ("/healthz", 200),
    ("/auth/login", 200),
    ("/admin/", 302),
    ("/static/admin/panel.css", 200),
    ("/nulle-part", 404),
    ("/api/v1/nulle-part", 404),
]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize(("path", "status"), EVERY_KIND_OF_RESPONSE)
def test_every_response_carries_the_security_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    headers = response.headers
    csp = directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'"
    assert re.fullmatch(r"'nonce-[\w-]{24}'", csp["script-src"][1])
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    # Testing is not production: no HSTS that would pin a developer's localhost to HTTPS.
    assert "Strict-Transport-Security" not in headers


def test_each_response_has_its_own_nonce_and_the_page_uses_it(client):
    first = client.get("/")
    second = client.get("/")
    nonce = directives(first.headers["Content-Security-Policy"])["script-src"][1][7:-1]
    other = directives(second.headers["Content-Security-Policy"])["script-src"][1][7:-1]
    assert nonce != other
    body = first.get_data(as_text=True)
    assert f'nonce="{nonce}"' in body
    # Every script tag of the page carries it.
    for tag in re.findall(r"<script[^>]*>", body):
        assert f'nonce="{nonce}"' in tag, tag


def test_the_admin_pages_give_flask_admins_scripts_the_nonce(client, auth, coordinator_33):
    auth.login(coordinator_33.email)
    response = client.get("/admin/candidate/")
    nonce = directives(response.headers["Content-Security-Policy"])["script-src"][1][7:-1]
    tags = re.findall(r"<script[^>]*>", response.get_data(as_text=True))
    assert len(tags) > 5
    assert all(f'nonce="{nonce}"' in tag for tag in tags)
    assert " onclick=" not in response.get_data(as_text=True)
    assert " style=" not in response.get_data(as_text=True)


def test_map_tiles_origin_is_allowed_in_img_src_from_the_setting():
    assert (
        tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    )
    assert tile_origin("https://tiles.example.fr/osm/{z}/{x}/{y}.png") == "https://tiles.example.fr"
    assert tile_origin("javascript:alert(1)") is None
    assert tile_origin(None) is None
    policy = directives(content_security_policy("n", tile_url="https://tiles.example.fr/{z}.png"))
    assert policy["img-src"] == ["'self'", "data:", "https://tiles.example.fr"]


def test_map_tile_url_setting_reaches_the_header(app, client):
    app.config["MAP_TILE_URL"] = "https://cartes.example.fr/{z}/{x}/{y}.png"
    csp = directives(client.get("/").headers["Content-Security-Policy"])
    assert "https://cartes.example.fr" in csp["img-src"]


def test_pages_are_not_cached_but_static_files_may_be(client):
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/static/admin/panel.css").headers.get("Cache-Control") != "no-store"


def test_session_cookie_is_httponly_and_lax_and_not_secure_outside_production(
    client, auth, coordinator_33
):
    response = auth.login(coordinator_33.email)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_production_marks_cookies_secure_and_sends_hsts(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app(
        {
            "ONBOARDING_ENV": "production",
            "SECRET_KEY": "k",
            "SINGLE_PROCESS": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
        },
        instance_path=str(tmp_path),
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("how", ["environment", "config"])
def test_production_refuses_to_start_in_debug_mode(tmp_path, monkeypatch, how):
    settings = {
        "ONBOARDING_ENV": "production",
        "SECRET_KEY": "k",
        "SINGLE_PROCESS": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
    }
    if how == "environment":
        monkeypatch.setenv("FLASK_DEBUG", "1")
    else:
        monkeypatch.delenv("FLASK_DEBUG", raising=False)
        settings["DEBUG"] = True
    with pytest.raises(ConfigurationError, match="Debug mode is on"):
        create_app(settings, instance_path=str(tmp_path))


def test_production_refuses_to_serve_when_debug_is_switched_on_later(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app(
        {
            "ONBOARDING_ENV": "production",
            "SECRET_KEY": "k",
            "SINGLE_PROCESS": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
        },
        instance_path=str(tmp_path),
    )
    app.debug = True  # what app.run(debug=True) does
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/")
    assert response.status_code == 500
    assert "Werkzeug" not in response.get_data(as_text=True)


def test_development_may_debug(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app(
        {
            "ONBOARDING_ENV": "development",
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.sqlite'}",
        },
        instance_path=str(tmp_path),
    )
    assert app.debug is True


# --- error pages -------------------------------------------------------------------------


@pytest.fixture
def failing_routes(app):
    """Routes that fail in each way, added to the test app (before its first request)."""

    @app.route("/test-errors/<int:code>", methods=["GET"])
    def failing(code):
        abort(code)

    @app.route("/api/v1/test-errors/<int:code>")
    def failing_api(code):
        abort(code)

    @app.route("/test-errors/crash")
    def crash():
        raise RuntimeError("secret detail: SELECT * FROM candidate WHERE email='x@y.fr'")

    @app.route("/api/v1/test-errors/crash")
    def crash_api():
        raise RuntimeError("secret detail: SELECT * FROM candidate")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


FRENCH_TITLES = {
    400: "Requête invalide",
    403: "Accès refusé",
    404: "Page introuvable",
    405: "Action impossible",
    429: "Trop de tentatives",
    500: "Erreur du service",
    503: "Service momentanément indisponible",
}


@pytest.mark.parametrize("code", sorted(FRENCH_TITLES))
def test_error_pages_are_french_html(client, failing_routes, code):
    response = client.get(f"/test-errors/{code}")
    assert response.status_code == code
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert FRENCH_TITLES[code] in body
    assert '<html lang="fr"' in body
    assert "Werkzeug" not in body
    assert "Traceback" not in body


API_ERROR_NAMES = {
    400: "bad_request",  # an abort(400) names no parameter
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


@pytest.mark.parametrize("code", sorted(FRENCH_TITLES))
def test_api_errors_are_french_json(client, failing_routes, code):
    response = client.get(f"/api/v1/test-errors/{code}")
    assert response.status_code == code
    assert response.is_json
    assert response.json["error"] == API_ERROR_NAMES[code]
    assert response.json["message"] == ERRORS[code][1]
    if code != 403:  # the API itself never refuses access
        api_contract.check(response)


def test_a_client_asking_for_json_gets_json(client, failing_routes):
    response = client.get("/test-errors/404", headers={"Accept": "application/json"})
    assert response.is_json
    assert response.json == {"error": "not_found", "message": ERRORS[404][1]}


def test_a_crash_reveals_nothing(client, failing_routes):
    for path in ("/test-errors/crash", "/api/v1/test-errors/crash"):
        response = client.get(path)
        assert response.status_code == 500
        body = response.get_data(as_text=True)
        if response.is_json:
            assert response.json == {"error": "internal_error", "message": ERRORS[500][1]}
        else:
            assert "Erreur du service" in body
        assert "secret detail" not in body
        assert "SELECT" not in body
        assert "RuntimeError" not in body
        assert "Content-Security-Policy" in response.headers


def test_the_panel_shows_the_french_pages_too(client, auth, partner_33, coordinator_33):
    auth.login(coordinator_33.email)
    missing = client.get("/admin/candidate/details/?id=999999")
    assert missing.status_code == 404
    assert "Page introuvable" in missing.get_data(as_text=True)
    assert client.get("/admin/nowhere/").status_code == 404
    auth.logout()
    auth.login(partner_33.email)
    refused = client.get("/admin/candidate/new/")
    assert refused.status_code == 403
    assert "Accès refusé" in refused.get_data(as_text=True)


def test_wrong_method_is_a_french_405_with_allow(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "Action impossible" in response.get_data(as_text=True)
    assert "GET" in response.headers["Allow"]
