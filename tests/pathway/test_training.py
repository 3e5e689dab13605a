"""The initial training (décret 2018-903; D421-44, D421-46): part 1 of 80 h and its evaluation with
one retake, the CAP AEPE path, part 2 of 40 h after the first child."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from onboarding.pathway import training
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import CandidateStatus, Training
from tests import builders

S = CandidateStatus


def _trainings(session) -> int:
    return session.scalar(select(func.count()).select_from(Training))


def _course(session, candidate, today, hours, **kw):
    part = kw.pop("part", 1)
    return training.record_course(
        session, candidate, part=part, hours=Decimal(hours), block=kw.pop(
            "block", 2 if part == 1 else None), completed_on=kw.pop("completed_on", today),
        today=today, **kw,
    )  # fmt: skip


def _blocks(session, candidate, today):
    """The 80 hours of part 1 in its three blocks, first aid included."""
    _course(session, candidate, today, 35, block=1, includes_first_aid=True)
    _course(session, candidate, today, 25, block=2)
    _course(session, candidate, today, 20, block=3)


def _evaluation(session, candidate, today, passed):
    session.flush()
    return training.record_part1_evaluation(
        session, candidate, passed=passed, completed_on=today, today=today
    )


def test_part1_done_with_80_hours_and_a_passed_evaluation_D421_44(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    _course(session, candidate, today - timedelta(days=3), 30, block=1, includes_first_aid=True)
    _course(session, candidate, today, 20, block=2)
    _course(session, candidate, today, 15, block=3)
    _course(session, candidate, today, "14.5", block=2)
    session.flush()
    assert training.course_hours(candidate, 1) == Decimal("79.5")
    assert training.part1_missing(candidate) == ["79,5 h suivies sur 80 h"]
    assert not training.part1_hours_complete(candidate)
    _course(session, candidate, today, "0.5", block=3)
    session.flush()
    assert training.part1_hours_complete(candidate)
    assert not training.part1_done(candidate)
    evaluation = _evaluation(session, candidate, today, passed=True)
    assert (evaluation.part, evaluation.hours, evaluation.passed) == (1, Decimal(3), True)
    assert training.part1_done(candidate)
    assert training.part1_done_on(candidate) == today
    assert training.course_hours(candidate, 1, block=1) == Decimal(30)


def test_each_block_has_its_minimum_hours_D421_46(session, today):
    """80 hours are not enough when a block is short: 30 h, 20 h and 15 h at least."""
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    _course(session, candidate, today, 60, block=1, includes_first_aid=True)
    _course(session, candidate, today, 19, block=2)
    _course(session, candidate, today, 1, block=3)
    session.flush()
    assert training.course_hours(candidate, 1) == Decimal(80)
    assert training.part1_missing(candidate) == [
        "bloc 2 (Spécificités du métier d'assistant maternel) : 19 h sur 20 h",
        "bloc 3 (Rôle et positionnement dans les dispositifs d'accueil) : 1 h sur 15 h",
    ]
    with pytest.raises(RuleViolation, match=r"Manque : bloc 2 .* ; bloc 3 "):
        _evaluation(session, candidate, today, passed=True)
    assert not training.part1_evaluations(candidate)


def test_first_aid_is_required_and_belongs_to_block_1_D421_46(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    with pytest.raises(RuleViolation, match="premiers secours font partie du bloc 1") as refused:
        _course(session, candidate, today, 35, block=2, includes_first_aid=True)
    assert refused.value.field == "includes_first_aid"
    _course(session, candidate, today, 35, block=1)
    _course(session, candidate, today, 25, block=2)
    _course(session, candidate, today, 20, block=3)
    session.flush()
    assert training.part1_missing(candidate) == ["les premiers secours (bloc 1)"]


def test_part1_hours_need_a_block(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    with pytest.raises(RuleViolation, match="Indiquez le bloc de la première partie") as refused:
        training.record_course(
            session, candidate, part=1, hours=Decimal(10), completed_on=today, today=today
        )
    assert refused.value.field == "block"
    assert _trainings(session) == 0


def test_a_session_is_recorded_for_every_attendee_or_for_none(session, today):
    first = builders.make_candidate(session, S.UNDER_EVALUATION, last_name="Première")
    second = builders.make_candidate(session, S.APPROVED, last_name="Seconde")
    late = builders.make_candidate(session, S.DOSSIER_FILED, last_name="Retard")
    session.commit()
    before = _trainings(session)
    with pytest.raises(RuleViolation, match="Camille Retard : La formation initiale se déclare"):
        training.record_session(
            session, [first, second, late], part=1, block=3, hours=Decimal(15),
            completed_on=today, today=today, provider="Institut de formation",
        )  # fmt: skip
    session.rollback()
    assert _trainings(session) == before
    rows = training.record_session(
        session, [first, second], part=1, block=3, hours=Decimal(15), completed_on=today,
        today=today, provider="Institut de formation",
    )  # fmt: skip
    session.flush()
    assert {row.candidate_id for row in rows} == {first.id, second.id}
    assert training.course_hours(first, 1, block=3) == Decimal(15)
    assert training.course_hours(second, 1, block=3) == Decimal(15)
    with pytest.raises(RuleViolation, match="Cochez au moins une personne"):
        training.record_session(
            session, [], part=1, block=3, hours=Decimal(15), completed_on=today, today=today
        )


def test_evaluation_before_the_hours_are_done_is_refused(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    _course(session, candidate, today, 40)
    session.flush()
    with pytest.raises(
        RuleViolation, match="les heures de formation ne sont pas encore toutes suivies"
    ):
        _evaluation(session, candidate, today, passed=True)
    assert _trainings(session) == 1
    assert not training.part1_evaluations(candidate)


def test_one_retake_of_the_evaluation_allowed_decret_2018_903(session, today):
    candidate = builders.make_candidate(session, S.APPROVED)
    _blocks(session, candidate, today)
    _evaluation(session, candidate, today, passed=False)
    assert not training.part1_done(candidate)
    _evaluation(session, candidate, today, passed=True)
    assert training.part1_done(candidate)
    assert [t.passed for t in training.part1_evaluations(candidate)] == [False, True]


def test_third_attempt_at_the_evaluation_refused_decret_2018_903(session, today):
    candidate = builders.make_candidate(session, S.APPROVED)
    _blocks(session, candidate, today)
    _evaluation(session, candidate, today, passed=False)
    _evaluation(session, candidate, today, passed=False)
    with pytest.raises(RuleViolation, match="ne peut être repassée qu'une fois"):
        _evaluation(session, candidate, today, passed=True)
    assert _trainings(session) == 5  # three blocks, two evaluations
    assert not training.part1_done(candidate)


def test_evaluation_already_passed_refused(session, today):
    candidate = builders.make_candidate(session, S.APPROVED)
    _blocks(session, candidate, today)
    _evaluation(session, candidate, today, passed=True)
    with pytest.raises(RuleViolation, match="déjà réussie"):
        _evaluation(session, candidate, today, passed=True)
    assert len(training.part1_evaluations(candidate)) == 1


def test_cap_aepe_units_block3_and_first_aid_suffice_D421_46(session, today):
    """With units EP1 and EP3 of the CAP AEPE, blocks 1 and 2 are exempt; block 3 (≥ 15 h) and
    first aid never are."""
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION, has_cap_aepe_units=True)
    _course(session, candidate, today, "14.5", block=3)
    session.flush()
    assert not training.part1_hours_complete(candidate)
    _course(session, candidate, today, "0.5", block=3)
    session.flush()
    # 15 h of block 3 but no first aid yet.
    assert not training.part1_hours_complete(candidate)
    with pytest.raises(RuleViolation, match="pas encore toutes suivies"):
        _evaluation(session, candidate, today, passed=True)
    _course(session, candidate, today, 7, block=1, includes_first_aid=True)
    session.flush()
    assert training.part1_hours_complete(candidate)
    _evaluation(session, candidate, today, passed=True)
    assert training.part1_done(candidate)
    assert training.course_hours(candidate, 1) == Decimal(22)


def test_cap_aepe_path_does_not_apply_without_the_units(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION, has_cap_aepe_units=False)
    _course(session, candidate, today, 15, block=3)
    _course(session, candidate, today, 7, block=1, includes_first_aid=True)
    session.flush()
    assert not training.part1_hours_complete(candidate)


def test_course_refused_before_the_dossier_is_complete(session, today):
    for status in (S.IN_PATHWAY, S.DOSSIER_FILED, S.REFUSED, S.WITHDRAWN):
        candidate = builders.make_candidate(session, status)
        with pytest.raises(RuleViolation, match=f"statut actuel : {status.label}"):
            _course(session, candidate, today, 10)
    assert _trainings(session) == 0


def test_course_dates_neither_future_nor_before_the_complete_dossier(session, today):
    candidate = builders.make_candidate(session, S.UNDER_EVALUATION)
    with pytest.raises(RuleViolation, match="ne peut pas être dans le futur"):
        _course(session, candidate, today, 10, completed_on=today + timedelta(days=1))
    with pytest.raises(RuleViolation, match="précéder la date du dossier complet") as refused:
        _course(
            session, candidate, today, 10,
            completed_on=candidate.dossier_complete_on - timedelta(days=1),
        )  # fmt: skip
    assert refused.value.field == "completed_on"
    assert _course(session, candidate, today, 10, completed_on=candidate.dossier_complete_on)
    session.flush()
    assert _trainings(session) == 1


def test_course_shape_refused(session, today):
    candidate = builders.make_candidate(session, S.ACTIVE)
    for kwargs, message, field in [
        ({"part": 3}, "deux parties : 1 ou 2", "part"),
        ({"part": 1, "block": 4}, "blocs 1, 2 et 3", "block"),
        ({"part": 2, "block": 3}, "blocs 1, 2 et 3", "block"),
        ({"hours": 0}, "entre 0 et 80 h", "hours"),
        ({"hours": "80.5"}, "entre 0 et 80 h", "hours"),
        ({"hours": "NaN"}, "entre 0 et 80 h", "hours"),
        ({"part": 2, "hours": 41}, "entre 0 et 40 h", "hours"),
    ]:
        hours = kwargs.pop("hours", 10)
        with pytest.raises(RuleViolation, match=message) as refused:
            _course(session, candidate, today, hours, **kwargs)
        assert refused.value.field == field
    session.flush()
    assert len(candidate.trainings) == 4  # the builder's part 1 blocks and evaluation


def test_part2_only_after_the_first_child_then_40_hours(session, today):
    approved = builders.make_candidate(session, S.APPROVED)
    builders.complete_part1(session, approved, on=today, today=today)
    with pytest.raises(RuleViolation, match="suit l'accueil du premier enfant") as refused:
        _course(session, approved, today, 10, part=2)
    assert refused.value.field == "part"

    active = builders.make_candidate(session, S.ACTIVE)
    _course(session, active, today, 39, part=2)
    session.flush()
    assert not training.part2_done(active)
    _course(session, active, today, 1, part=2)
    session.flush()
    assert training.part2_done(active)
    assert training.course_hours(active, 2) == Decimal(40)
