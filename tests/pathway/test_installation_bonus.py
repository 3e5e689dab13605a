"""The Caf's prime d'installation (DOMAIN.md step 11): a first agrément, part 1 of the training
done, at least 2 months of activity, asked within 1 year of the agrément; requested, then paid,
once."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from onboarding.pathway import installation_bonus as bonus
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import CandidateStatus, Carer
from tests import builders

S = CandidateStatus
TODAY = builders.TODAY


@pytest.fixture
def carer(session) -> Carer:
    # Granted on 2025-08-30, first child on 2025-09-19.
    candidate = builders.make_candidate(session, S.ACTIVE, referred_on=TODAY - timedelta(days=300))
    return candidate.carer


def test_dates_of_the_claim(carer):
    assert carer.agrement_on == date(2025, 8, 30)
    assert carer.first_child_on == date(2025, 9, 19)
    situation = bonus.bonus_situation(carer, TODAY)
    assert situation.claimable_from == date(2025, 11, 19)
    assert situation.claim_until == date(2026, 8, 29)
    assert situation.blockers == []
    assert situation.may_claim


def test_nothing_to_claim_before_the_first_child(session):
    approved = builders.make_candidate(session, S.APPROVED)
    assert bonus.bonus_situation(approved.carer, TODAY) is None
    with pytest.raises(RuleViolation, match="l'accueil du premier enfant n'est pas enregistré"):
        bonus.record_request(session, approved.carer, on=TODAY, today=TODAY, actor=None)


def test_two_months_of_activity_first(session):
    recent = builders.make_candidate(session, S.ACTIVE).carer  # first child on 2026-02-16
    situation = bonus.bonus_situation(recent, TODAY)
    assert situation.blockers == [
        "2 mois d'activité sont nécessaires : demande possible à partir du 16/04/2026"
    ]
    assert not situation.may_claim
    with pytest.raises(RuleViolation, match="demande possible à partir du 16/04/2026") as refused:
        bonus.record_request(session, recent, on=TODAY, today=TODAY, actor=None)
    assert refused.value.field == "on"
    assert recent.bonus_requested_on is None


def test_asked_within_one_year_of_the_agrement(session, carer):
    late = date(2026, 8, 30)
    assert not bonus.bonus_situation(carer, late).may_claim
    with pytest.raises(RuleViolation, match="au plus tard le 29/08/2026"):
        bonus.record_request(session, carer, on=late, today=late, actor=None)
    bonus.record_request(session, carer, on=date(2026, 8, 29), today=late, actor=None)
    assert carer.bonus_requested_on == date(2026, 8, 29)


def test_request_then_payment_once(session, carer):
    with pytest.raises(RuleViolation, match="Enregistrez d'abord la demande"):
        bonus.record_payment(session, carer, on=TODAY, today=TODAY, actor=None)
    with pytest.raises(RuleViolation, match="ne peut pas être dans le futur"):
        bonus.record_request(session, carer, on=TODAY + timedelta(days=1), today=TODAY, actor=None)
    bonus.record_request(session, carer, on=TODAY - timedelta(days=10), today=TODAY, actor=None)
    situation = bonus.bonus_situation(carer, TODAY)
    assert (situation.requested_on, situation.may_claim) == (TODAY - timedelta(days=10), False)
    with pytest.raises(RuleViolation, match="n'est versée qu'une fois"):
        bonus.record_request(session, carer, on=TODAY, today=TODAY, actor=None)
    with pytest.raises(RuleViolation, match="ne peut pas précéder la demande"):
        bonus.record_payment(session, carer, on=TODAY - timedelta(days=11), today=TODAY, actor=None)
    bonus.record_payment(session, carer, on=TODAY, today=TODAY, actor=None)
    assert carer.bonus_paid_on == TODAY
    with pytest.raises(RuleViolation, match="déjà été versée le 16/03/2026"):
        bonus.record_payment(session, carer, on=TODAY, today=TODAY, actor=None)


def test_an_imported_carer_is_not_known_to_hold_a_first_agrement(session, carer):
    imported = Carer(
        first_name="Ines", last_name="Importée", commune_insee=builders.BORDEAUX,
        latitude=44.8, longitude=-0.57, agrement_on=date(2025, 12, 1), agrement_capacity=4,
        first_child_on=date(2025, 12, 10),
    )  # fmt: skip
    session.add(imported)
    session.flush()
    assert "n'est pas connu du parcours" in bonus.bonus_situation(imported, TODAY).blockers[0]


def test_the_list_clause_finds_who_may_claim_and_has_not(session, carer):
    recent = builders.make_candidate(session, S.ACTIVE).carer
    asked = builders.make_candidate(
        session, S.ACTIVE, referred_on=TODAY - timedelta(days=300), last_name="Demandée"
    ).carer
    asked.bonus_requested_on = TODAY
    old = builders.make_candidate(
        session, S.ACTIVE, referred_on=TODAY - timedelta(days=600), last_name="Ancienne"
    ).carer
    session.flush()
    found = set(session.scalars(select(Carer.id).where(bonus.may_claim_clause(TODAY))))
    assert found == {carer.id}
    for other in (recent, asked, old):
        assert not bonus.bonus_situation(other, TODAY).may_claim
