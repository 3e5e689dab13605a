"""The rate limits hold across gunicorn's 4 workers when their counters live in Redis (as
production must have them): API calls, contact requests, failed sign-ins per address and per
account, refused personal links, each let through within one request of its limit, every
scenario answered by several workers. tests/load/limits.py says how."""

import os

import pytest
import redis

from tests.conftest import IN_CI
from tests.load import limits

# A database of its own: the run's counters are under a key prefix of their own, and expire.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        message = f"Redis does not answer at {REDIS_URL} (TEST_REDIS_URL): {error}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message + "; .ci/run starts it")
    finally:
        client.close()
    return REDIS_URL


@pytest.mark.load
def test_every_limit_holds_across_four_workers_on_redis(redis_url, tmp_path, capsys):
    result = limits.run(redis_url, str(tmp_path))
    with capsys.disabled():
        print(f"\nrate limits, gunicorn with {limits.WORKERS} workers on Redis:\n{result}")

    for outcome in result.outcomes:
        assert outcome.holds(), str(outcome)
        assert outcome.refused > 0, str(outcome)
    # The scenarios sent from several threads at once reached several processes: one process's
    # counters would not have been enough to hold their limits. (Those sent one after another
    # may all be taken by the same idle worker: gunicorn's workers accept in turn as they wish.)
    for name in ("API calls per address", "contact requests per address"):
        assert result.workers_seen[name] >= 2, result.workers_seen
    [contacts] = [o for o in result.outcomes if o.name == "contact requests per address"]
    assert result.contacts_stored == contacts.passed


def test_the_outcome_check_can_fail():
    """What memory:// storage gives under 4 workers (each keeps its own counters) is caught."""
    leaked = limits._outcome("API calls per address", 30, [200] * 90, {200})
    assert not leaked.holds()
    assert "90 let through for a limit of 30" in str(leaked)
    one_over = limits._outcome("x", 30, [200] * 31 + [429] * 59, {200})
    assert one_over.holds()
    errors = limits._outcome("x", 5, [200] * 5 + [500], {200})
    assert not errors.holds()
