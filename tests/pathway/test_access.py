"""Access tokens: what they carry, how long they last, and what makes them refused."""

from datetime import UTC, datetime, timedelta

import pytest

from onboarding.pathway import access
from onboarding.pathway.models import Candidate

KEY = "secret"
NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


def test_a_token_carries_the_id_and_nonce():
    token = access.sign(42, "abc", secret_key=KEY, now=NOW)

    claim = access.read(token, secret_key=KEY, now=NOW + timedelta(days=29))

    assert claim == access.LinkClaim(42, "abc")


@pytest.mark.parametrize(
    ("age", "refused"),
    [(timedelta(days=30), False), (timedelta(days=30, seconds=1), True)],
)
def test_thirty_days_and_not_a_second_more(age, refused):
    token = access.sign(42, "abc", secret_key=KEY, now=NOW)

    if refused:
        with pytest.raises(access.LinkRefused) as caught:
            access.read(token, secret_key=KEY, now=NOW + age)
        assert caught.value.reason == "expired"
    else:
        assert access.read(token, secret_key=KEY, now=NOW + age).candidate_id == 42


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "eyJjIjoxfQ.xxxx.yyyy"])
def test_garbage_is_altered(token):
    with pytest.raises(access.LinkRefused) as caught:
        access.read(token, secret_key=KEY, now=NOW)
    assert caught.value.reason == "altered"


def test_another_key_or_purpose_is_altered():
    token = access.sign(42, "abc", secret_key="other", now=NOW)
    with pytest.raises(access.LinkRefused):
        access.read(token, secret_key=KEY, now=NOW)


def test_a_well_signed_payload_of_the_wrong_shape_is_altered():
    serializer = access._serializer(KEY, NOW)
    for payload in ({"c": "42", "n": "abc"}, {"c": 42}, [42, "abc"]):
        with pytest.raises(access.LinkRefused):
            access.read(serializer.dumps(payload), secret_key=KEY, now=NOW)


def test_issuing_changes_the_nonce_and_only_the_last_is_current():
    candidate = Candidate(id=7)
    first = access.issue_link(candidate, secret_key=KEY, now=NOW)
    first_nonce = access.read(first, secret_key=KEY, now=NOW).nonce

    access.issue_link(candidate, secret_key=KEY, now=NOW)

    assert access.is_current(candidate, candidate.access_nonce)
    assert not access.is_current(candidate, first_nonce)
    assert not access.is_current(candidate, None)
    assert not access.is_current(None, first_nonce)
    assert candidate.access_issued_at == NOW
