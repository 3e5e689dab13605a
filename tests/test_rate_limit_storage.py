"""Production refuses rate-limit counters kept in memory (one set a worker process) unless it is
told that the app runs in one process; a shared storage (Redis) starts."""

import pytest

from onboarding import create_app
from onboarding.config import ConfigurationError


def _production(tmp_path, **settings):
    return create_app(
        {
            "ONBOARDING_ENV": "production",
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}",
            **settings,
        },
        instance_path=str(tmp_path),
    )


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in ("RATELIMIT_STORAGE_URI", "SINGLE_PROCESS", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)


def test_production_refuses_memory_storage(tmp_path):
    with pytest.raises(ConfigurationError, match=r"RATELIMIT_STORAGE_URI is memory:// in produc"):
        _production(tmp_path)
    with pytest.raises(ConfigurationError, match="SINGLE_PROCESS"):
        _production(tmp_path, RATELIMIT_STORAGE_URI="memory://")


def test_production_starts_on_redis(tmp_path):
    app = _production(tmp_path, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("redis://")


def test_production_on_one_process_may_count_in_memory(tmp_path):
    assert _production(tmp_path, SINGLE_PROCESS=True).config["SINGLE_PROCESS"] is True


@pytest.mark.parametrize(("value", "starts"), [("1", True), ("true", True), ("0", False)])
def test_single_process_from_the_environment(tmp_path, monkeypatch, value, starts):
    monkeypatch.setenv("ONBOARDING_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")
    monkeypatch.setenv("SINGLE_PROCESS", value)
    if starts:
        assert create_app(instance_path=str(tmp_path)).config["SINGLE_PROCESS"] is True
    else:
        with pytest.raises(ConfigurationError, match="memory://"):
            create_app(instance_path=str(tmp_path))


def test_development_counts_in_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("ONBOARDING_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "k")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'd.sqlite'}")
    assert create_app(instance_path=str(tmp_path)).config["RATELIMIT_STORAGE_URI"] == "memory://"
