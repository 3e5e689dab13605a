"""Every reason the outbox keeps for a message not sent is said in French in the panel."""

import re
from pathlib import Path

import pytest

from onboarding.messages import compose
from onboarding.messages.reasons import FAILED, OBSOLETE, reason_text


def test_every_reason_compose_gives_has_its_french_sentence():
    given = set(re.findall(r'Obsolete\("(\w+)"\)', Path(compose.__file__).read_text()))
    assert len(given) > 20
    assert given <= set(OBSOLETE), given - set(OBSOLETE)
    assert set(OBSOLETE) <= given, "a sentence for a reason no longer given"


def test_the_failures_delivery_records_are_said_in_french():
    # The exceptions the channels raise and delivery catches, by their stored names.
    for name in ("SMTPRecipientsRefused", "SMTPDataError", "SMTPServerDisconnected",
                 "ConnectionRefusedError", "TimeoutError", "OSError"):  # fmt: skip
        assert reason_text(name) == FAILED[name]
    # The SMS gateway's refusal is kept as its HTTP status (messages/sms.py).
    assert reason_text("HTTP 503") == "Passerelle SMS : réponse d'erreur 503."


@pytest.mark.parametrize("code", ["SomethingNew", "ValueError", "x" * 100])
def test_a_code_without_its_sentence_is_a_technical_error_in_french(code):
    assert reason_text(code) == "Erreur technique."


def test_no_reason_is_no_text():
    assert reason_text(None) == reason_text("") == ""
