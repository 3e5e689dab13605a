"""Territories: each candidate follows her territory's pathway as it was when she entered; the
progress, the dossier rule, the next actions and the funnel read it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from onboarding.pathway import indicators, next_actions, transitions
from onboarding.pathway.errors import PathwayError, ReasonRequired
from onboarding.pathway.models import (
    ActivityKind,
    AuditLog,
    CandidateStatus,
    PathwayConfiguration,
    Role,
    TerritoryKind,
)
from onboarding.pathway.progress import candidate_progress, missing_mandatory_steps
from onboarding.pathway.territories import (
    StepSetting,
    current_steps,
    followed_steps,
    preview,
    save_configuration,
    territory,
)
from tests import builders
from tests.builders import BORDEAUX, PERIGUEUX, TODAY

METZ = "57463"
PARIS = "75056"
NOUVELLE_AQUITAINE = territory(TerritoryKind.REGION, "75")
MOSELLE = territory(TerritoryKind.DEPARTMENT, "57")
DORDOGNE = territory(TerritoryKind.DEPARTMENT, "24")


@pytest.fixture
def catalogue(session):
    """The national pathway: an information meeting and coaching (one session each)."""
    information = builders.make_step(session, ActivityKind.INFORMATION, title="Réunion")
    coaching = builders.make_step(session, ActivityKind.COACHING, title="Ateliers")
    module = builders.make_step(session, ActivityKind.MODULE, title="Premiers secours")
    module.is_active = False  # not in the national pathway: only where a territory adds it
    session.flush()
    return information, coaching, module


def _titles(session, candidate):
    return [
        (p.step.title, p.step.is_mandatory, p.step.required_sessions)
        for p in candidate_progress(session, candidate.id, TODAY)
    ]


def test_without_configuration_everyone_follows_the_national_pathway(session, catalogue):
    candidate = builders.make_candidate(session, commune=METZ)
    assert candidate.pathway_configuration_id is None
    assert _titles(session, candidate) == [("Réunion", True, 1), ("Ateliers", True, 1)]


def test_two_territories_give_their_candidates_different_steps(session, catalogue):
    information, coaching, module = catalogue
    full = save_configuration(
        session,
        NOUVELLE_AQUITAINE,
        [
            StepSetting(information.id),
            StepSetting(coaching.id, required_sessions=3),
            StepSetting(module.id, is_mandatory=False, required_sessions=1, required_hours=7),
        ],
        actor=None,
    )
    intermediation = save_configuration(session, MOSELLE, [], actor=None)
    bordeaux = builders.make_candidate(session, commune=BORDEAUX)
    metz = builders.make_candidate(session, commune=METZ)
    paris = builders.make_candidate(session, commune=PARIS)

    assert bordeaux.pathway_configuration_id == full.id
    assert metz.pathway_configuration_id == intermediation.id
    assert paris.pathway_configuration_id is None
    assert _titles(session, bordeaux) == [
        ("Réunion", True, 1),
        ("Ateliers", True, 3),
        ("Premiers secours", False, 1),
    ]
    assert _titles(session, metz) == []
    assert _titles(session, paris) == [("Réunion", True, 1), ("Ateliers", True, 1)]
    # The dossier rule reads the same steps: nothing is missing in Moselle, two steps in Gironde.
    assert missing_mandatory_steps(candidate_progress(session, metz.id, TODAY)) == []
    missing = missing_mandatory_steps(candidate_progress(session, bordeaux.id, TODAY))
    assert [p.step.title for p in missing] == ["Réunion", "Ateliers"]


def test_the_dossier_rule_and_next_actions_follow_her_territory(session, catalogue):
    _information, coaching, _ = catalogue
    save_configuration(session, MOSELLE, [], actor=None)
    save_configuration(
        session, NOUVELLE_AQUITAINE, [StepSetting(coaching.id, required_sessions=2)], actor=None
    )
    metz = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, commune=METZ)
    bordeaux = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, commune=BORDEAUX)

    transitions.file_dossier(session, metz, actor=None, on=TODAY, today=TODAY)
    assert metz.status == CandidateStatus.DOSSIER_FILED
    with pytest.raises(ReasonRequired) as refused:
        transitions.file_dossier(session, bordeaux, actor=None, on=TODAY, today=TODAY)
    assert "Ateliers" in refused.value.message
    assert "Réunion" not in refused.value.message

    progress = candidate_progress(session, bordeaux.id, TODAY)
    actions = next_actions.next_actions(bordeaux, progress, [], TODAY)
    texts = " ".join(actions)
    assert "Ateliers" in texts
    assert "Réunion" not in texts


def test_a_departement_overrides_its_region(session, catalogue):
    information, coaching, _ = catalogue
    save_configuration(
        session,
        NOUVELLE_AQUITAINE,
        [StepSetting(information.id), StepSetting(coaching.id)],
        actor=None,
    )
    save_configuration(session, DORDOGNE, [StepSetting(coaching.id, required_hours=6)], actor=None)
    perigueux = builders.make_candidate(session, commune=PERIGUEUX)
    bordeaux = builders.make_candidate(session, commune=BORDEAUX)

    assert [p.step.title for p in candidate_progress(session, perigueux.id, TODAY)] == ["Ateliers"]
    assert [p.step.title for p in candidate_progress(session, bordeaux.id, TODAY)] == [
        "Réunion",
        "Ateliers",
    ]
    assert [s.required_hours for s in current_steps(session, DORDOGNE)] == [Decimal(6)]
    # The région's own view is its configuration, not a département's.
    assert [s.title for s in current_steps(session, NOUVELLE_AQUITAINE)] == ["Réunion", "Ateliers"]


def test_a_candidate_who_entered_before_a_change_keeps_her_steps(session, catalogue):
    information, coaching, _ = catalogue
    first = save_configuration(
        session, NOUVELLE_AQUITAINE, [StepSetting(information.id)], actor=None
    )
    before = builders.make_candidate(session, commune=BORDEAUX)
    second = save_configuration(
        session,
        NOUVELLE_AQUITAINE,
        [StepSetting(coaching.id, required_sessions=2), StepSetting(information.id)],
        actor=None,
    )
    after = builders.make_candidate(session, commune=BORDEAUX)

    assert (first.version, second.version) == (1, 2)
    assert before.pathway_configuration_id == first.id
    assert after.pathway_configuration_id == second.id
    assert [p.step.title for p in candidate_progress(session, before.id, TODAY)] == ["Réunion"]
    assert [
        (p.step.title, p.step.required_sessions)
        for p in candidate_progress(session, after.id, TODAY)
    ] == [("Ateliers", 2), ("Réunion", 1)]
    # The first version is untouched by the second.
    session.expire_all()
    assert [s.step_id for s in session.get(PathwayConfiguration, first.id).steps] == [
        information.id
    ]


def test_progress_of_many_candidates_of_several_territories_at_once(session, catalogue):
    information, coaching, _ = catalogue
    save_configuration(session, MOSELLE, [], actor=None)
    metz = builders.make_candidate(session, commune=METZ)
    paris = builders.make_candidate(session, commune=PARIS)
    steps = followed_steps(session, [metz.id, paris.id])
    assert steps[metz.id] == []
    assert [s.id for s in steps[paris.id]] == [information.id, coaching.id]


def test_the_funnel_counts_a_step_among_those_who_follow_it(session, catalogue):
    information, coaching, _ = catalogue
    save_configuration(session, MOSELLE, [], actor=None)
    save_configuration(session, NOUVELLE_AQUITAINE, [StepSetting(information.id)], actor=None)
    past = TODAY - timedelta(days=3)
    meeting = builders.make_activity(session, information, on=past)
    metz_meeting = builders.make_activity(session, information, on=past, commune=METZ)
    workshop = builders.make_activity(session, coaching, on=past)
    paris_workshop = builders.make_activity(session, coaching, on=past, commune=PARIS)
    reached = builders.make_candidate(session, commune=BORDEAUX)
    builders.make_candidate(session, commune=BORDEAUX)
    metz = builders.make_candidate(session, commune=METZ)
    builders.make_candidate(session, commune=METZ)
    paris = builders.make_candidate(session, commune=PARIS)
    builders.attend(session, reached, meeting)
    builders.attend(session, reached, workshop)  # not in her pathway: not counted
    builders.attend(session, metz, metz_meeting)  # Moselle has no steps: not counted
    builders.attend(session, paris, paris_workshop)

    funnel = indicators.funnel(session, departments=None, today=TODAY)
    stages = {stage.key: stage for stage in funnel.stages}
    assert stages["entered"].count == 5
    information_stage = stages[f"step_{information.id}"]
    coaching_stage = stages[f"step_{coaching.id}"]
    # The meeting: followed by the two in Gironde and the one in Paris; one of them reached it.
    assert (information_stage.count, information_stage.conversion) == (1, 33.3)
    # The workshop: followed by the one in Paris only, who reached it.
    assert (coaching_stage.count, coaching_stage.conversion) == (1, 100.0)
    # Per département: Moselle's candidates reach no step.
    moselle = next(group for group in funnel.by_department if group.key == "57")
    assert moselle.counts["entered"] == 2
    assert moselle.counts[f"step_{information.id}"] == 0


def test_a_configuration_refuses_a_step_twice_or_negative_requirements(session, catalogue):
    information, _, _ = catalogue
    with pytest.raises(PathwayError, match="deux fois"):
        preview(session, [StepSetting(information.id), StepSetting(information.id)])
    with pytest.raises(PathwayError, match="négatives"):
        preview(session, [StepSetting(information.id, required_sessions=-1)])
    with pytest.raises(PathwayError, match="n'existe pas"):
        preview(session, [StepSetting(999_999)])
    with pytest.raises(PathwayError, match="Département inconnu"):
        territory(TerritoryKind.DEPARTMENT, "99")
    assert territory("department", " 2a ").code == "2A"
    assert territory("region", "75").label == "Région Nouvelle-Aquitaine"
    with pytest.raises(PathwayError, match="Région inconnue"):
        territory(TerritoryKind.REGION, "33")
    assert session.scalars(select(PathwayConfiguration)).all() == []


def test_saving_a_version_is_audited(session, catalogue):
    information, _, _ = catalogue
    admin = builders.make_staff(session, "admin@example.org", Role.ADMIN)
    configuration = save_configuration(session, MOSELLE, [StepSetting(information.id)], actor=admin)
    entry = session.scalars(
        select(AuditLog).where(AuditLog.object_type == "PathwayConfiguration")
    ).one()
    assert (entry.action, entry.object_id, entry.actor_id) == (
        "configure_pathway",
        str(configuration.id),
        admin.id,
    )
    assert configuration.created_by_id == admin.id
