"""The candidate space shows the steps of her own territory: none in Moselle, whose pathway is
intermediation only; Nouvelle-Aquitaine's in Gironde."""

from onboarding.pathway.models import ActivityKind, CandidateStatus, TerritoryKind
from onboarding.pathway.territories import StepSetting, save_configuration, territory
from tests import builders
from tests.candidate.conftest import text


def test_her_space_lists_her_territory_s_steps(space, session):
    information = builders.make_step(session, ActivityKind.INFORMATION, title="Réunion")
    coaching = builders.make_step(session, ActivityKind.COACHING, title="Ateliers du jeudi")
    save_configuration(
        session,
        territory(TerritoryKind.REGION, "75"),
        [StepSetting(coaching.id, required_sessions=2)],
        actor=None,
    )
    save_configuration(session, territory(TerritoryKind.DEPARTMENT, "57"), [], actor=None)
    bordeaux = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    metz = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, commune="57463")
    session.commit()
    assert information.id  # in the national pathway only

    page = text(space.open(bordeaux).client.get("/candidat/"))
    assert "Ateliers du jeudi" in page
    assert "reste 2 séances à suivre" in page
    assert "Réunion" not in page

    page = text(space.open(metz).client.get("/candidat/"))
    assert "le parcours ne comporte pas d'étape à suivre avant votre dossier" in page
    assert "Ateliers du jeudi" not in page
