"""Referral: who enters the pathway, checked and normalised, with the dossier checklist."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from onboarding.pathway.errors import DuplicateError, RuleViolation
from onboarding.pathway.models import (
    Candidate,
    CandidateStatus,
    DossierItemKind,
    DossierItemStatus,
    ReferralSource,
)
from onboarding.pathway.referral import Referral, refer_candidate

TODAY = date(2026, 3, 16)
BASE = Referral(
    first_name="Camille",
    last_name="Martin",
    commune_insee="33063",
    referral_source=ReferralSource.FRANCE_TRAVAIL,
    referred_on=TODAY,
)


def _candidates(session) -> int:
    return session.scalar(select(func.count()).select_from(Candidate))


def test_referral_creates_the_candidate_normalised_with_its_checklist(session, today):
    candidate = refer_candidate(
        session,
        replace(
            BASE, first_name="  Camille ", last_name=" Martin ", referral_source="caf",
            referred_on=date(2026, 2, 27), is_job_seeker=True, france_travail_id="1234 567a",
            email="  Camille.Martin@Example.ORG ", phone="06 12 34 56 78",
            birth_date=date(1990, 5, 1), requested_capacity=3,
        ),
        today=today,
    )  # fmt: skip
    assert candidate.id is not None
    assert (candidate.first_name, candidate.last_name) == ("Camille", "Martin")
    assert candidate.referral_source == ReferralSource.CAF
    assert candidate.status == CandidateStatus.REFERRED
    assert candidate.france_travail_id == "1234567A"
    assert candidate.email == "Camille.Martin@example.org"
    assert candidate.phone == "0612345678"
    assert (candidate.department_code, candidate.cohort) == ("33", "2026-02")
    assert sorted(item.kind for item in candidate.dossier_items) == sorted(DossierItemKind)
    assert {item.status for item in candidate.dossier_items} == {DossierItemStatus.MISSING}
    assert candidate.transitions == []


def test_both_france_travail_identifier_formats_accepted(session, today):
    """7 digits and a letter or digit (older), or 11 digits (since 2025)."""
    old = refer_candidate(session, replace(BASE, france_travail_id="1234567B"), today=today)
    new = refer_candidate(session, replace(BASE, france_travail_id="123 4567 8901"), today=today)
    digit = refer_candidate(session, replace(BASE, france_travail_id="76543210"), today=today)
    assert (old.france_travail_id, new.france_travail_id, digit.france_travail_id) == (
        "1234567B", "12345678901", "76543210",
    )  # fmt: skip


def test_malformed_france_travail_identifiers_refused(session, today):
    for ft_id in ("123456B", "1234567BC", "A1234567", "1234567890", "123456789012", "12345678É"):
        with pytest.raises(RuleViolation, match=r"8 caractères .* ou 11 chiffres") as refused:
            refer_candidate(session, replace(BASE, france_travail_id=ft_id), today=today)
        assert refused.value.field == "france_travail_id"
    assert _candidates(session) == 0


def test_blank_france_travail_identifier_is_none(session, today):
    candidate = refer_candidate(session, replace(BASE, france_travail_id=""), today=today)
    assert candidate.france_travail_id is None


def test_duplicate_france_travail_identifier_refused(session, today):
    refer_candidate(session, replace(BASE, france_travail_id="1234567a"), today=today)
    with pytest.raises(DuplicateError, match="déjà suivie") as refused:
        refer_candidate(
            session, replace(BASE, last_name="Autre", france_travail_id="1234567A"), today=today
        )
    assert refused.value.field == "france_travail_id"
    assert _candidates(session) == 1


REFUSED_REFERRALS = [
    ({"first_name": "   "}, "first_name", "Le prénom et le nom sont obligatoires"),
    ({"last_name": None}, "last_name", "Le prénom et le nom sont obligatoires"),
    ({"last_name": "x" * 101}, "last_name", "100 caractères au plus"),
    ({"commune_insee": "99999"}, "commune_insee", "Commune inconnue"),
    ({"referral_source": "neighbour"}, "referral_source", "Choisissez qui oriente"),
    ({"referred_on": TODAY + timedelta(days=1)}, "referred_on", "ne peut pas être dans le futur"),
    ({"birth_date": TODAY}, "birth_date", "La date de naissance doit être passée"),
    ({"email": "camille@"}, "email", "L'adresse e-mail n'est pas valide"),
    ({"phone": "12 34"}, "phone", "Le numéro de téléphone n'est pas valide"),
    ({"requested_capacity": 0}, "requested_capacity", "va de 1 à 4"),
    ({"requested_capacity": 5}, "requested_capacity", "va de 1 à 4"),
]  # fmt: skip


def test_referral_refused_field_by_field(session, today):
    for changes, field, message in REFUSED_REFERRALS:
        with pytest.raises(RuleViolation, match=message) as refused:
            refer_candidate(session, replace(BASE, **changes), today=today)
        assert refused.value.field == field, changes
    assert _candidates(session) == 0


def test_a_refused_referral_adds_nothing(session, today):
    with pytest.raises(RuleViolation):
        refer_candidate(session, replace(BASE, email="not an email"), today=today)
    assert _candidates(session) == 0
    accepted = refer_candidate(
        session, replace(BASE, email=None, phone="", birth_date=None), today=today
    )
    assert (accepted.email, accepted.phone) == (None, None)
