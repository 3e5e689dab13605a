"""Carers: profile from a positive decision, freshness, and the checks on a free place."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from onboarding.pathway import carers, transitions
from onboarding.pathway.carers import VacancyInput, check_vacancy
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import CandidateStatus, Carer
from onboarding.pathway.schedule import FULL_WEEK, WORKING_WEEK, half_day_mask
from tests import builders

TODAY = date(2026, 3, 16)
PLACE = VacancyInput(
    available_from=TODAY, age_min_months=3, age_max_months=36, half_days=WORKING_WEEK
)


def test_vacancy_from_today_for_a_sensible_range_accepted():
    check_vacancy(PLACE, today=TODAY)
    check_vacancy(replace(PLACE, age_min_months=36, age_max_months=36), today=TODAY)
    check_vacancy(
        replace(PLACE, age_min_months=0, age_max_months=216, half_days=FULL_WEEK), today=TODAY
    )
    check_vacancy(replace(PLACE, half_days=half_day_mask(["wed_pm"])), today=TODAY)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"available_from": TODAY - timedelta(days=1)}, "available_from", "pas être dans le passé"),
        ({"age_min_months": 37}, "age_max_months", "la tranche d'âge est inversée"),
        ({"age_max_months": 217}, "age_min_months", "de 0 à 216 mois"),
        ({"age_min_months": -1}, "age_min_months", "de 0 à 216 mois"),
        ({"half_days": 0}, "half_days", "au moins une demi-journée"),
        ({"half_days": FULL_WEEK + 1}, "half_days", "au moins une demi-journée"),
        ({"half_days": -3}, "half_days", "au moins une demi-journée"),
    ],
)  # fmt: skip
def test_vacancy_refused(changes, field, message):
    with pytest.raises(RuleViolation, match=message) as refused:
        check_vacancy(replace(PLACE, **changes), today=TODAY)
    assert refused.value.field == field


def test_add_vacancy_keeps_a_checked_place_and_refuses_a_bad_one(session, today):
    candidate = builders.make_candidate(session, CandidateStatus.APPROVED)
    carer = candidate.carer
    vacancy = carers.add_vacancy(session, carer, replace(PLACE, late=True), today=today)
    session.flush()
    assert vacancy.id is not None
    assert vacancy.late
    assert carer.vacancies == [vacancy]
    with pytest.raises(RuleViolation):
        carers.add_vacancy(session, carer, replace(PLACE, half_days=0), today=today)
    session.flush()
    session.expire(carer, ["vacancies"])
    assert carer.vacancies == [vacancy]


def test_carer_profile_copies_the_candidate_unpublished(session, today):
    candidate = builders.make_candidate(
        session, CandidateStatus.UNDER_EVALUATION, commune=builders.PERIGUEUX,
        email="camille@example.org", phone="0612345678",
    )  # fmt: skip
    transitions.grant(session, candidate, actor=None, decided_on=today, capacity=4, today=today)
    carer = candidate.carer
    assert (carer.email, carer.phone, carer.commune_insee) == (
        "camille@example.org", "0612345678", builders.PERIGUEUX,
    )  # fmt: skip
    assert carer.department_code == "24"
    # The commune's point, for the parents' search.
    assert carer.latitude == pytest.approx(45.18, abs=0.05)
    assert carer.longitude == pytest.approx(0.72, abs=0.05)
    assert not carer.is_published
    assert carer.show_email
    assert carer.show_phone
    assert carer.public_name == f"Camille {candidate.last_name[0]}."


@pytest.mark.parametrize(
    ("email", "phone", "shown"),
    [
        ("camille@example.org", None, (True, False)),
        (None, "0612345678", (False, True)),
        (None, None, (True, True)),
    ],
)
def test_carer_profile_shows_only_the_contacts_she_has_R421_39(session, today, email, phone, shown):
    candidate = builders.make_candidate(
        session, CandidateStatus.UNDER_EVALUATION, email=email, phone=phone
    )
    transitions.grant(session, candidate, actor=None, decided_on=today, capacity=4, today=today)
    session.flush()
    assert (candidate.carer.show_email, candidate.carer.show_phone) == shown


def _carer(**fields) -> Carer:
    return Carer(
        first_name="Camille", last_name="Martin", commune_insee="33063", latitude=0, longitude=0,
        agrement_capacity=4, **fields,
    )  # fmt: skip


def test_a_profile_unconfirmed_for_six_months_is_stale_product_rule():
    assert carers.is_stale(_carer(last_confirmed_on=None), TODAY)
    assert not carers.is_stale(_carer(last_confirmed_on=date(2025, 9, 16)), TODAY)
    assert carers.is_stale(_carer(last_confirmed_on=date(2025, 9, 15)), TODAY)


def test_newly_approved_means_within_twelve_months_product_rule():
    assert carers.is_newly_approved(_carer(agrement_on=date(2025, 3, 17)), TODAY)
    assert not carers.is_newly_approved(_carer(agrement_on=date(2025, 3, 16)), TODAY)
