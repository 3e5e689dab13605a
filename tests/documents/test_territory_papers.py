"""The livret de parcours lists the steps of the candidate's own territory, as she entered."""

from onboarding.documents import papers
from onboarding.pathway import situation
from onboarding.pathway.models import ActivityKind, CandidateStatus, TerritoryKind
from onboarding.pathway.progress import candidate_progress
from onboarding.pathway.territories import StepSetting, save_configuration, territory
from tests import builders
from tests.builders import TODAY
from tests.documents.conftest import read_pdf


def _booklet(session, candidate, issuer) -> str:
    progress = candidate_progress(session, candidate.id, TODAY)
    deadlines = situation.candidate_deadlines(candidate)
    return read_pdf(papers.pathway_booklet(candidate, progress, deadlines, issuer)).text


def test_the_booklet_follows_her_territory_and_her_version(session, issuer):
    information = builders.make_step(session, ActivityKind.INFORMATION, title="Réunion")
    coaching = builders.make_step(session, ActivityKind.COACHING, title="Ateliers")
    region = territory(TerritoryKind.REGION, "75")
    save_configuration(session, region, [StepSetting(information.id)], actor=None)
    save_configuration(session, territory(TerritoryKind.DEPARTMENT, "57"), [], actor=None)
    bordeaux = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, last_name="Avant")
    metz = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, commune="57463")
    save_configuration(
        session,
        region,
        [StepSetting(coaching.id, required_sessions=4), StepSetting(information.id)],
        actor=None,
    )
    session.commit()

    text = _booklet(session, bordeaux, issuer)
    assert "Réunion 1 séance 0 séance, 0 h À faire" in text
    assert "Ateliers" not in text
    text = _booklet(session, metz, issuer)
    assert "Aucune étape de parcours dans son territoire." in text
    assert "Réunion" not in text
