"""Configuration order, the secret key rule, SQLite's connection settings, /healthz."""

import pytest
from sqlalchemy import text

from onboarding import create_app
from onboarding.config import ConfigurationError, database_url_from_environment
from onboarding.extensions import db


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ONBOARDING_ENV", "production")
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app(instance_path=str(tmp_path))


def test_development_generates_one_key_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ONBOARDING_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'dev.sqlite'}")
    first = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    second = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    assert len(first) == 64
    assert first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_instance_config_then_environment(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        "SECRET_KEY = 'from-instance'\nMAIL_SERVER = 'smtp.instance'\nSINGLE_PROCESS = True\n"
        f"SQLALCHEMY_DATABASE_URI = 'sqlite:///{tmp_path / 'a.sqlite'}'\n"
    )
    monkeypatch.setenv("ONBOARDING_ENV", "production")
    monkeypatch.setenv("MAIL_SERVER", "smtp.environment")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SECRET_KEY"] == "from-instance"
    assert app.config["MAIL_SERVER"] == "smtp.environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_unknown_environment_name_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ONBOARDING_ENV", "staging")
    with pytest.raises(ConfigurationError, match="ONBOARDING_ENV"):
        create_app(instance_path=str(tmp_path))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.sqlite", "sqlite:///x.sqlite"),
    ],
)
def test_database_url_names_the_psycopg_driver(given, expected):
    assert database_url_from_environment(given) == expected


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("ONBOARDING_ENV", "development")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'onboarding.sqlite'}"


def test_sqlite_connections_enforce_foreign_keys_wal_and_busy_timeout(tmp_path):
    app = create_app(
        {
            "ONBOARDING_ENV": "testing",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pragmas.sqlite'}",
        },
        instance_path=str(tmp_path),
    )
    with app.app_context():
        for _ in range(2):  # every connection of the pool, not only the first
            with db.engine.connect() as connection:
                assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
                assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
                assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            db.engine.dispose()


@pytest.mark.parametrize(
    ("url", "options", "checked"),
    [
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", {}, True),
        ("sqlite:///{tmp}/a.sqlite", {}, False),
        # What the deployment says wins, either way.
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", {"pool_pre_ping": False}, False),
        ("sqlite:///{tmp}/a.sqlite", {"pool_pre_ping": True}, True),
    ],
)
def test_a_servers_connections_are_checked_before_use_a_sqlite_files_are_not(
    tmp_path, url, options, checked
):
    given = dict(options)
    app = create_app(
        {
            "ONBOARDING_ENV": "testing",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": url.format(tmp=tmp_path),
            "SQLALCHEMY_ENGINE_OPTIONS": options,
        },
        instance_path=str(tmp_path),
    )
    with app.app_context():
        assert db.engine.pool._pre_ping is checked
    assert options == given  # the configuration given is not changed


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_healthz_says_503_when_the_database_does_not(tmp_path):
    app = create_app(
        {
            "ONBOARDING_ENV": "testing",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        },
        instance_path=str(tmp_path),
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"


def test_unknown_page_gets_a_french_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
