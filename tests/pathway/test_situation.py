"""A candidate's deadlines under the configured départements where part-1 training gets 8 months."""

from dateutil.relativedelta import relativedelta

from onboarding.pathway import situation
from onboarding.pathway.models import CandidateStatus
from tests import builders


def _training_due(deadlines):
    return next(d.due_on for d in deadlines if d.code == "training_part1")


def test_part1_training_gets_eight_months_only_in_the_listed_departements(session):
    candidate = builders.make_candidate(session, CandidateStatus.UNDER_EVALUATION)
    complete = candidate.dossier_complete_on
    assert candidate.department_code == "33"

    listed = situation.deadlines_where(candidate, ("24", "33"))
    assert _training_due(listed) == complete + relativedelta(months=8)
    elsewhere = situation.deadlines_where(candidate, ("24",))
    assert _training_due(elsewhere) == complete + relativedelta(months=6)
