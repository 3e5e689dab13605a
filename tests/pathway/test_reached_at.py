"""Who asks for a new link by their e-mail or mobile number is found however the number was
stored ("06 12 34 56 78", "+33612345678") and however it is typed."""

import pytest

from onboarding.pathway import access
from onboarding.pathway.models import CandidateStatus
from tests import builders
from tests.search.conftest import make_carer

TYPED = [
    "06 12 34 56 78",
    "0612345678",
    "+33 6 12 34 56 78",
    "0033 6 12 34 56 78",
    "06.12.34.56.78",
]


@pytest.mark.parametrize("stored", ["06 12 34 56 78", "+33612345678"])
def test_a_candidate_is_found_by_her_number_however_written(session, stored):
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, phone=stored)
    builders.make_candidate(session, CandidateStatus.IN_PATHWAY, phone="06 99 99 99 99")
    session.flush()
    for typed in TYPED:
        assert access.candidates_reached_at(session, typed) == [candidate], typed
    assert access.candidates_reached_at(session, "06 12 34 56 79") == []
    assert access.candidates_reached_at(session, "12 34") == []


def test_a_carer_is_found_by_her_number_however_written(session):
    carer = make_carer(session, phone="+33612345678")
    session.flush()
    for typed in TYPED:
        assert access.carers_reached_at(session, typed) == [carer], typed
