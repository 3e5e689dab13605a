"""PMSMP conventions and their limits (Code du travail D5135-3), and immersion enrolment."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from onboarding.pathway import enrollment, immersion
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.immersion import create_convention, last_day_allowed
from onboarding.pathway.models import (
    ActivityKind,
    CandidateStatus,
    Enrollment,
    ImmersionConvention,
    ImmersionPurpose,
)
from tests import builders

MAM = "73282932000074"  # a valid SIRET (Luhn)
CRECHE = "35600000000048"  # another valid one
DISCOVER = ImmersionPurpose.DISCOVER


@pytest.fixture
def job_seeker(session):
    return builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, is_job_seeker=True, france_travail_id="1234567A"
    )


def _convention(session, candidate, starts_on, ends_on, *, siret=MAM, purpose=DISCOVER, **kw):
    return create_convention(
        session, candidate, host_name=kw.pop("host_name", "MAM Les Petits Pas"),
        host_siret=siret, host_tutor=kw.pop("host_tutor", "Sophie Tutrice"),
        host_address=kw.pop("host_address", "3 rue des Lilas, 33000 Bordeaux"),
        prescriber=kw.pop("prescriber", "France Travail Bordeaux Bastide"),
        purpose=purpose, starts_on=starts_on, ends_on=ends_on, **kw,
    )  # fmt: skip


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(ImmersionConvention))


# One month, date to date --------------------------------------------------------------------


def test_convention_of_exactly_one_month_date_to_date_accepted_D5135_3(session, job_seeker):
    convention = _convention(session, job_seeker, date(2026, 3, 3), date(2026, 4, 2))
    assert convention.id is not None
    assert convention.days == 31
    assert convention.host_siret == MAM
    assert convention.purpose == DISCOVER
    assert job_seeker.conventions == [convention]


def test_convention_one_day_over_a_month_refused_D5135_3(session, job_seeker):
    with pytest.raises(
        RuleViolation, match=r"au plus un mois de date à date \(ici jusqu'au 02/04/2026\)"
    ) as refused:
        _convention(session, job_seeker, date(2026, 3, 3), date(2026, 4, 3))
    assert refused.value.field == "ends_on"
    assert _count(session) == 0


@pytest.mark.parametrize(
    ("starts_on", "last_day"),
    [
        (date(2026, 3, 3), date(2026, 4, 2)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 1, 28), date(2026, 2, 27)),
        # No 31 February: the month from 31 January runs to the end of February.
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 31), date(2027, 1, 30)),
    ],
)
def test_last_day_allowed_one_month_date_to_date(starts_on, last_day):
    assert last_day_allowed(starts_on) == last_day


def test_convention_from_31_january_to_28_february_accepted_and_1_march_refused(
    session, job_seeker
):
    with pytest.raises(RuleViolation, match="jusqu'au 28/02/2026"):
        _convention(session, job_seeker, date(2026, 1, 31), date(2026, 3, 1))
    convention = _convention(session, job_seeker, date(2026, 1, 31), date(2026, 2, 28))
    assert convention.days == 29


def test_convention_ending_before_it_starts_refused(session, job_seeker):
    with pytest.raises(RuleViolation, match="La fin de la convention précède son début"):
        _convention(session, job_seeker, date(2026, 3, 3), date(2026, 3, 2))
    assert _count(session) == 0


def test_one_day_convention_accepted(session, job_seeker):
    assert _convention(session, job_seeker, date(2026, 3, 3), date(2026, 3, 3)).days == 1


# Host, SIRET, purpose -----------------------------------------------------------------------


def test_convention_with_an_invalid_siret_refused(session, job_seeker):
    for siret in ("73282932000075", "7328293200007", "", "MAM"):
        with pytest.raises(
            RuleViolation, match="SIRET de la structure d'accueil est invalide"
        ) as refused:
            _convention(session, job_seeker, date(2026, 3, 3), date(2026, 3, 5), siret=siret)
        assert refused.value.field == "host_siret"
    assert _count(session) == 0


def test_convention_siret_typed_with_spaces_is_kept_normalised(session, job_seeker):
    convention = _convention(
        session, job_seeker, date(2026, 3, 3), date(2026, 3, 5), siret="732 829 320 00074"
    )
    assert convention.host_siret == MAM


def test_convention_without_host_name_refused(session, job_seeker):
    with pytest.raises(RuleViolation, match="Indiquez la structure d'accueil"):
        _convention(session, job_seeker, date(2026, 3, 3), date(2026, 3, 5), host_name="  ")


def test_convention_with_an_unknown_purpose_refused(session, job_seeker):
    with pytest.raises(RuleViolation, match="Choisissez l'objet"):
        _convention(session, job_seeker, date(2026, 3, 3), date(2026, 3, 5), purpose="holidays")
    convention = _convention(
        session, job_seeker, date(2026, 3, 3), date(2026, 3, 5), purpose="recruit"
    )
    assert convention.purpose == ImmersionPurpose.RECRUIT


def test_conventions_of_one_person_may_not_overlap_even_with_another_host(session, job_seeker):
    _convention(session, job_seeker, date(2026, 3, 3), date(2026, 3, 10))
    with pytest.raises(
        RuleViolation, match=r"chevauche une autre convention .*03/03/2026 – 10/03/2026"
    ):
        _convention(session, job_seeker, date(2026, 3, 10), date(2026, 3, 12), siret=CRECHE)
    assert _convention(session, job_seeker, date(2026, 3, 11), date(2026, 3, 12), siret=CRECHE)
    assert _count(session) == 2


# Renewal: once, same host, same purpose -----------------------------------------------------


def test_renewal_once_with_the_same_host_and_purpose_accepted_D5135_3(session, job_seeker):
    first = _convention(session, job_seeker, date(2026, 1, 5), date(2026, 1, 20))
    renewal = _convention(
        session, job_seeker, date(2026, 1, 21), date(2026, 2, 10), renewal_of=first
    )
    assert renewal.renewal_of == first


def test_second_renewal_of_the_same_convention_refused_D5135_3(session, job_seeker):
    first = _convention(session, job_seeker, date(2026, 1, 5), date(2026, 1, 10))
    _convention(session, job_seeker, date(2026, 1, 11), date(2026, 1, 15), renewal_of=first)
    with pytest.raises(RuleViolation, match="renouvelable qu'une fois"):
        _convention(session, job_seeker, date(2026, 1, 16), date(2026, 1, 20), renewal_of=first)
    assert _count(session) == 2


def test_renewal_of_a_renewal_refused_D5135_3(session, job_seeker):
    first = _convention(session, job_seeker, date(2026, 1, 5), date(2026, 1, 10))
    renewal = _convention(
        session, job_seeker, date(2026, 1, 11), date(2026, 1, 15), renewal_of=first
    )
    with pytest.raises(RuleViolation, match="renouvelable qu'une fois"):
        _convention(session, job_seeker, date(2026, 1, 16), date(2026, 1, 20), renewal_of=renewal)


def test_renewal_with_another_host_refused(session, job_seeker):
    first = _convention(session, job_seeker, date(2026, 1, 5), date(2026, 1, 10))
    with pytest.raises(RuleViolation, match="même personne et la même structure d'accueil"):
        _convention(
            session,
            job_seeker,
            date(2026, 1, 11),
            date(2026, 1, 15),
            siret=CRECHE,
            renewal_of=first,
        )
    assert _count(session) == 1


def test_renewal_with_another_purpose_refused(session, job_seeker):
    first = _convention(session, job_seeker, date(2026, 1, 5), date(2026, 1, 10))
    with pytest.raises(RuleViolation, match="même objet que la convention initiale"):
        _convention(
            session, job_seeker, date(2026, 1, 11), date(2026, 1, 15),
            purpose=ImmersionPurpose.RECRUIT, renewal_of=first,
        )  # fmt: skip


def test_renewal_of_another_persons_convention_refused(session, job_seeker):
    other = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, is_job_seeker=True)
    first = _convention(session, other, date(2026, 1, 5), date(2026, 1, 10))
    with pytest.raises(RuleViolation, match="même personne"):
        _convention(session, job_seeker, date(2026, 1, 11), date(2026, 1, 15), renewal_of=first)


def test_renewal_starting_before_the_end_of_the_first_convention_refused(session, job_seeker):
    other_host_first = _convention(session, job_seeker, date(2026, 1, 5), date(2026, 1, 10))
    # Not an overlap with the person's conventions (it starts before the first), but a renewal
    # follows the convention it renews.
    with pytest.raises(RuleViolation, match="commence après la fin de la convention initiale"):
        _convention(
            session, job_seeker, date(2025, 12, 20), date(2025, 12, 30),
            renewal_of=other_host_first,
        )  # fmt: skip


# With the same host: 2 conventions and 60 days within 12 months -----------------------------


def test_third_convention_with_the_same_host_within_12_months_refused_D5135_3(session, job_seeker):
    _convention(session, job_seeker, date(2025, 4, 1), date(2025, 4, 5))
    _convention(session, job_seeker, date(2025, 6, 1), date(2025, 6, 5))
    with pytest.raises(RuleViolation, match="Au plus 2 conventions PMSMP avec la même structure"):
        _convention(session, job_seeker, date(2026, 3, 1), date(2026, 3, 5))
    # Another host is another count.
    assert _convention(session, job_seeker, date(2026, 3, 1), date(2026, 3, 5), siret=CRECHE)
    assert _count(session) == 3


def test_third_convention_with_the_same_host_after_12_months_accepted_D5135_3(session, job_seeker):
    _convention(session, job_seeker, date(2025, 4, 1), date(2025, 4, 5))
    _convention(session, job_seeker, date(2025, 6, 1), date(2025, 6, 5))
    # 12 months back from 5 June 2026 starts 6 June 2025: the June convention is out of the window.
    third = _convention(session, job_seeker, date(2026, 6, 2), date(2026, 6, 5))
    assert third.id is not None
    assert _count(session) == 3


def test_a_renewal_does_not_count_as_a_second_convention(session, job_seeker):
    first = _convention(session, job_seeker, date(2025, 9, 1), date(2025, 9, 5))
    _convention(session, job_seeker, date(2025, 9, 8), date(2025, 9, 12), renewal_of=first)
    second = _convention(session, job_seeker, date(2026, 1, 5), date(2026, 1, 9))
    assert second.renewal_of is None
    assert _count(session) == 3


def test_sixty_days_with_the_same_host_accepted_at_the_limit_D5135_3(session, job_seeker):
    first = _convention(session, job_seeker, date(2026, 3, 1), date(2026, 3, 31))  # 31 days
    renewal = _convention(
        session, job_seeker, date(2026, 4, 1), date(2026, 4, 29), renewal_of=first
    )  # 29 days: 60 in all
    assert first.days + renewal.days == 60


def test_more_than_sixty_days_with_the_same_host_refused_D5135_3(session, job_seeker):
    first = _convention(session, job_seeker, date(2026, 3, 1), date(2026, 3, 31))  # 31 days
    with pytest.raises(
        RuleViolation, match=r"Au plus 60 jours .* 31 jours déjà conventionnés, 30 demandés"
    ) as refused:
        _convention(session, job_seeker, date(2026, 4, 1), date(2026, 4, 30), renewal_of=first)
    assert refused.value.field == "ends_on"
    assert _count(session) == 1


def test_sixty_days_counted_over_two_separate_conventions_D5135_3(session, job_seeker):
    _convention(session, job_seeker, date(2025, 10, 1), date(2025, 10, 31))  # 31 days
    with pytest.raises(RuleViolation, match="31 jours déjà conventionnés, 30 demandés"):
        _convention(session, job_seeker, date(2026, 3, 1), date(2026, 3, 30))
    assert _count(session) == 1
    assert _convention(session, job_seeker, date(2026, 3, 1), date(2026, 3, 29)).days == 29


def test_days_older_than_12_months_no_longer_count_D5135_3(session, job_seeker):
    first = _convention(session, job_seeker, date(2025, 4, 1), date(2025, 4, 30))  # 30 days
    _convention(session, job_seeker, date(2025, 5, 1), date(2025, 5, 30), renewal_of=first)
    # 12 months back from 30 April 2026 starts 1 May 2025: April 2025 is out, May 2025 is in.
    with pytest.raises(RuleViolation, match="30 jours déjà conventionnés, 31 demandés"):
        _convention(session, job_seeker, date(2026, 3, 31), date(2026, 4, 30))
    assert _convention(session, job_seeker, date(2026, 5, 31), date(2026, 6, 29)).days == 30


def test_convention_covering_finds_the_convention_on_its_first_and_last_day(session, job_seeker):
    convention = _convention(session, job_seeker, date(2026, 3, 3), date(2026, 3, 5))
    find = immersion.convention_covering
    assert find(session, job_seeker, MAM, date(2026, 3, 3)) == convention
    assert find(session, job_seeker, MAM, date(2026, 3, 5)) == convention
    assert find(session, job_seeker, MAM, date(2026, 3, 6)) is None
    assert find(session, job_seeker, CRECHE, date(2026, 3, 4)) is None


# Enrolment in an immersion day ---------------------------------------------------------------


def _immersion_day(session, on: date, siret: str | None = MAM):
    step = builders.make_step(session, ActivityKind.IMMERSION)
    return builders.make_activity(
        session, step, on=on, capacity=2, host_name="MAM Les Petits Pas", host_siret=siret
    )


def test_job_seeker_without_a_covering_convention_cannot_enrol_in_an_immersion(
    session, today, job_seeker
):
    activity = _immersion_day(session, today + timedelta(days=3))
    # A convention with the same host, but not on that day.
    _convention(session, job_seeker, today, today + timedelta(days=2))
    with pytest.raises(
        RuleViolation, match="convention PMSMP avec MAM Les Petits Pas couvrant le 19/03/2026"
    ):
        enrollment.enroll(session, job_seeker, activity, actor=None, today=today)
    session.expire(activity)
    assert activity.seats_taken == 0
    assert session.scalar(select(func.count()).select_from(Enrollment)) == 0


def test_job_seeker_with_a_covering_convention_enrols_in_an_immersion(session, today, job_seeker):
    activity = _immersion_day(session, today + timedelta(days=3))
    _convention(session, job_seeker, today, today + timedelta(days=3))
    row = enrollment.enroll(session, job_seeker, activity, actor=None, today=today)
    assert row.activity == activity
    assert activity.seats_taken == 1


def test_job_seeker_cannot_enrol_in_an_immersion_whose_host_has_no_siret(
    session, today, job_seeker
):
    activity = _immersion_day(session, today, siret=None)
    _convention(session, job_seeker, today, today)
    with pytest.raises(RuleViolation, match="convention PMSMP"):
        enrollment.enroll(session, job_seeker, activity, actor=None, today=today)


def test_a_person_not_job_seeker_needs_no_convention_for_an_immersion(session, today):
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, is_job_seeker=False)
    activity = _immersion_day(session, today)
    assert enrollment.enroll(session, candidate, activity, actor=None, today=today).id
