"""The agrément in force (D421-12): renewal request and decision, 10 years with units EP1 and EP3
of the CAP AEPE and 5 otherwise, the validity kept on the carer, and expiry."""

from datetime import date, timedelta

import pytest

from onboarding.pathway import agrement
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import CandidateStatus, Carer, DecisionOutcome
from tests import builders

S = CandidateStatus
TODAY = builders.TODAY
# make_candidate's default timeline: granted on 27 January 2026, for 5 years.
DECIDED_ON = date(2026, 1, 27)
FIRST_UNTIL = date(2031, 1, 26)


@pytest.fixture
def approved(session):
    return builders.make_candidate(session, S.APPROVED)


def _renew(session, candidate, **kw):
    values = {"decided_on": TODAY, "granted": True, "capacity": 4, "reason": "",
              "has_cap_aepe_units": False, "today": TODAY, "actor": None}  # fmt: skip
    values.update(kw)
    return agrement.record_renewal(session, candidate, **values)


def test_a_granted_decision_sets_the_validity_on_the_carer(approved):
    carer = approved.carer
    assert carer.agrement_on == DECIDED_ON
    assert agrement.agrement_expires_on(carer) == FIRST_UNTIL
    assert agrement.agrement_in_force(carer, FIRST_UNTIL)
    assert not agrement.agrement_in_force(carer, FIRST_UNTIL + timedelta(days=1))
    assert agrement.expiry_notice(carer, FIRST_UNTIL) is None
    assert agrement.expiry_notice(carer, FIRST_UNTIL + timedelta(days=1)) == (
        "Agrément expiré le 26/01/2031 : cette assistante maternelle n'apparaît plus dans la "
        "recherche des parents, sur sa page publique ni dans l'API, jusqu'à l'enregistrement "
        "d'un renouvellement."
    )


def test_in_force_clause_agrees_with_the_function(session, approved):
    from sqlalchemy import select

    other = builders.make_candidate(session, S.APPROVED, last_name="Expirée")
    other.carer.agrement_expires_on = TODAY - timedelta(days=1)
    session.flush()
    shown = set(session.scalars(select(Carer.id).where(agrement.agrement_in_force_clause(TODAY))))
    assert shown == {approved.carer.id}
    assert agrement.agrement_in_force(approved.carer, TODAY)
    assert not agrement.agrement_in_force(other.carer, TODAY)


def test_renewal_with_ep1_and_ep3_lasts_10_years_from_the_end_of_the_first_D421_12(
    session, approved
):
    agrement.record_renewal_request(session, approved, on=TODAY, today=TODAY, actor=None)
    assert approved.carer.renewal_requested_on == TODAY
    decision = _renew(session, approved, has_cap_aepe_units=True, capacity=3, reason="Surface.")
    assert decision.is_renewal
    assert decision.outcome == DecisionOutcome.GRANTED
    assert decision.renewal_requested_on == TODAY
    assert decision.valid_until == date(2041, 1, 26)
    assert approved.carer.agrement_expires_on == date(2041, 1, 26)
    assert approved.carer.agrement_capacity == 3
    assert approved.carer.renewal_requested_on is None
    assert approved.has_cap_aepe_units


def test_renewal_without_the_units_lasts_5_years(session, approved):
    agrement.record_renewal_request(session, approved, on=TODAY, today=TODAY, actor=None)
    decision = _renew(session, approved)
    assert decision.valid_until == date(2036, 1, 26)


def test_renewal_decided_after_expiry_runs_from_the_decision(session, approved):
    later = FIRST_UNTIL + timedelta(days=20)
    agrement.record_renewal_request(session, approved, on=FIRST_UNTIL, today=later, actor=None)
    decision = _renew(session, approved, decided_on=later, today=later)
    assert decision.valid_until == date(2036, 2, 14)


def test_refused_renewal_needs_a_reason_and_leaves_the_expiry(session, approved):
    agrement.record_renewal_request(session, approved, on=TODAY, today=TODAY, actor=None)
    with pytest.raises(RuleViolation, match="refus de renouvellement doit être motivé") as refused:
        _renew(session, approved, granted=False)
    assert refused.value.field == "reason"
    assert approved.carer.renewal_requested_on == TODAY
    decision = _renew(session, approved, granted=False, reason="Conditions d'accueil.")
    assert decision.outcome == DecisionOutcome.REFUSED
    assert approved.carer.agrement_expires_on == FIRST_UNTIL
    assert approved.carer.renewal_requested_on is None


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (TODAY + timedelta(days=1), "La date ne peut pas être dans le futur."),
        (
            DECIDED_ON - timedelta(days=1),
            "La demande ne peut pas précéder l'agrément (27/01/2026).",
        ),
    ],
)
def test_renewal_request_dates_refused(session, approved, on, message):
    with pytest.raises(RuleViolation) as refused:
        agrement.record_renewal_request(session, approved, on=on, today=TODAY, actor=None)
    assert refused.value.message == message
    assert approved.carer.renewal_requested_on is None


def test_renewal_request_after_expiry_refused(session, approved):
    late = FIRST_UNTIL + timedelta(days=1)
    with pytest.raises(RuleViolation, match="une nouvelle demande d'agrément est nécessaire"):
        agrement.record_renewal_request(session, approved, on=late, today=late, actor=None)


def test_second_pending_request_refused(session, approved):
    agrement.record_renewal_request(session, approved, on=TODAY, today=TODAY, actor=None)
    with pytest.raises(RuleViolation, match="attend déjà sa décision"):
        agrement.record_renewal_request(session, approved, on=TODAY, today=TODAY, actor=None)


def test_renewal_decision_refusals(session, approved):
    with pytest.raises(RuleViolation, match="Enregistrez d'abord la réception de la demande"):
        _renew(session, approved)
    agrement.record_renewal_request(
        session, approved, on=TODAY - timedelta(days=5), today=TODAY, actor=None
    )
    for kw, message in (
        ({"decided_on": TODAY - timedelta(days=6)}, "ne peut pas précéder la demande"),
        ({"decided_on": TODAY + timedelta(days=1)}, "ne peut pas être dans le futur"),
        ({"capacity": None}, "Indiquez le nombre d'enfants"),
        ({"capacity": 5}, "1 à 4 enfants"),
        ({"capacity": 2}, "doit être motivée par écrit"),
    ):
        with pytest.raises(RuleViolation, match=message):
            _renew(session, approved, **kw)
    session.flush()
    assert len(approved.decisions) == 1
    assert approved.carer.agrement_expires_on == FIRST_UNTIL


@pytest.mark.parametrize("status", [S.IN_PATHWAY, S.UNDER_EVALUATION, S.REFUSED, S.WITHDRAWN])
def test_renewal_concerns_approved_people_only(session, status):
    candidate = builders.make_candidate(session, status)
    with pytest.raises(RuleViolation, match="concerne une personne agréée"):
        agrement.record_renewal_request(session, candidate, on=TODAY, today=TODAY, actor=None)
