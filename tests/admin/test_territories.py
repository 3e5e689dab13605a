"""The territories' pathway screen: admins preview then save a new version, audited; everyone
else reads it; the pages read in French."""

import re

import pytest
from sqlalchemy import func, select

from onboarding.pathway.models import (
    ActivityKind,
    AuditLog,
    PathwayConfiguration,
    PathwayStep,
)
from onboarding.pathway.progress import candidate_progress
from tests import builders
from tests.admin.conftest import text
from tests.admin.test_french import english_words, problems

REGION = "/admin/territoires/parcours/?type=region&code=75"
MOSELLE = "/admin/territoires/parcours/?type=department&code=57"


def _catalogue(session, world):
    information = session.scalars(select(PathwayStep)).one()
    coaching = builders.make_step(session, ActivityKind.COACHING, title="Ateliers collectifs")
    session.commit()
    return information, coaching


def _form(information, coaching, action: str, **overrides) -> dict:
    data = {
        "action": action,
        f"step-{coaching.id}-included": "1",
        f"step-{coaching.id}-order": "1",
        f"step-{coaching.id}-mandatory": "1",
        f"step-{coaching.id}-sessions": "3",
        f"step-{coaching.id}-hours": "7,5",
        f"step-{information.id}-included": "1",
        f"step-{information.id}-order": "2",
        f"step-{information.id}-sessions": "1",
        f"step-{information.id}-hours": "0",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _versions(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(PathwayConfiguration))


def test_the_preview_shows_the_progress_list_in_french_and_saves_nothing(panel, world, session):
    information, coaching = _catalogue(session, world)
    panel.sign_in(world.admin)
    response = panel.post(REGION, _form(information, coaching, "preview"))
    assert response.status_code == 200
    page = re.sub(r"<[^>]+>", "", text(response))
    preview = page[page.index("Aperçu : ce que verra") :]
    assert preview.index("Ateliers collectifs") < preview.index("Réunion d'information")
    assert "3 séances et 7,5 h à suivre" in preview
    assert "Réunion d'information (facultatif) – À faire : 1 séance à suivre" in preview
    assert problems(response.get_data(as_text=True), english_words()) == []
    assert _versions(session) == 0


def test_an_admin_saves_a_new_version_that_new_candidates_follow(panel, world, session):
    information, coaching = _catalogue(session, world)
    before = world.candidate_33
    panel.sign_in(world.admin)
    response = panel.post(REGION, _form(information, coaching, "save"))
    assert response.status_code == 302
    follow = text(panel.get(response.headers["Location"]))
    assert "Version n° 1 du parcours enregistrée pour Région Nouvelle-Aquitaine" in follow
    assert "Version en vigueur : n° 1" in follow

    configuration = session.scalars(select(PathwayConfiguration)).one()
    saved = [
        (s.step_id, s.position, s.is_mandatory, s.required_sessions) for s in configuration.steps
    ]
    assert saved == [(coaching.id, 1, True, 3), (information.id, 2, False, 1)]
    entry = session.scalars(
        select(AuditLog).where(AuditLog.object_type == "PathwayConfiguration")
    ).one()
    assert (entry.actor_id, entry.action) == (world.admin.id, "configure_pathway")
    # Entered before: the national pathway still; entering now: the new version.
    assert [p.step.id for p in candidate_progress(session, before.id, builders.TODAY)] == [
        information.id,
        coaching.id,
    ]
    newcomer = builders.make_candidate(session, commune=builders.PERIGUEUX)
    assert [p.step.title for p in candidate_progress(session, newcomer.id, builders.TODAY)] == [
        "Ateliers collectifs",
        "Réunion d'information",
    ]
    session.commit()

    # Removing a step makes version 2; version 1 stays as it was.
    panel.post(REGION, _form(information, coaching, "save", **{
        f"step-{information.id}-included": None}))  # fmt: skip
    assert _versions(session) == 2
    assert [s.step_id for s in session.get(PathwayConfiguration, configuration.id).steps] == [
        coaching.id,
        information.id,
    ]


def test_intermediation_only_is_a_version_without_steps(panel, world, session):
    _catalogue(session, world)
    panel.sign_in(world.admin)
    response = panel.post(MOSELLE, {"action": "save"})
    assert response.status_code == 302
    assert "mise en relation des parents et des assistantes maternelles seulement" in panel.html(
        MOSELLE
    )
    assert session.scalars(select(PathwayConfiguration)).one().steps == []


def test_a_typing_mistake_is_refused_in_french_and_saves_nothing(panel, world, session):
    information, coaching = _catalogue(session, world)
    panel.sign_in(world.admin)
    response = panel.post(
        REGION, _form(information, coaching, "save", **{f"step-{coaching.id}-hours": "sept"})
    )
    assert response.status_code == 200
    assert "« Ateliers collectifs » : l'ordre et les séances sont des nombres entiers" in text(
        response
    )
    for typed in ("NaN", "Infinity", "1e3"):
        response = panel.post(
            REGION, _form(information, coaching, "save", **{f"step-{coaching.id}-hours": typed})
        )
        assert "les heures un nombre (par exemple 3,5)" in text(response)
    response = panel.post(
        REGION, _form(information, coaching, "save", **{f"step-{coaching.id}-sessions": "-2"})
    )
    assert "ne peuvent pas être négatives" in text(response)
    assert _versions(session) == 0


@pytest.mark.parametrize("who", ["coordinator_33", "partner_33"])
def test_coordinators_and_partners_read_but_cannot_save(panel, world, session, who):
    information, coaching = _catalogue(session, world)
    panel.sign_in(getattr(world, who))
    page = panel.html("/admin/territoires/")
    assert "Accès en lecture seule" in page
    edit = panel.html(REGION)
    assert "Réunion d'information" in edit
    assert "Enregistrer une nouvelle version" not in edit
    assert panel.post(REGION, _form(information, coaching, "save")).status_code == 403
    assert panel.post(REGION, _form(information, coaching, "preview")).status_code == 403
    assert _versions(session) == 0


def test_anonymous_people_are_sent_to_sign_in(client, world):
    response = client.get("/admin/territoires/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_an_unknown_territory_is_refused_in_french(panel, world):
    panel.sign_in(world.admin)
    response = panel.get("/admin/territoires/parcours/?type=department&code=99")
    assert response.status_code == 302
    assert "Choisissez une région ou un département connus." in panel.html("/admin/territoires/")


def test_the_territories_pages_read_in_french(panel, world, session):
    information, coaching = _catalogue(session, world)
    panel.sign_in(world.admin)
    panel.post(REGION, _form(information, coaching, "save"))
    english = english_words()
    for url in ("/admin/territoires/", REGION, MOSELLE):
        response = panel.get(url)
        assert response.status_code == 200, url
        assert problems(response.get_data(as_text=True), english) == [], url


def test_her_page_says_which_pathway_she_follows(panel, world, session):
    information, coaching = _catalogue(session, world)
    panel.sign_in(world.admin)
    panel.post(REGION, _form(information, coaching, "save"))
    newcomer = builders.make_candidate(session, commune=builders.BORDEAUX, last_name="Nouvelle")
    session.commit()
    before = panel.html(f"/admin/candidate/details/?id={world.candidate_33.id}")
    after = panel.html(f"/admin/candidate/details/?id={newcomer.id}")
    assert "Suivi depuis son entrée : Parcours national." in before
    assert "Suivi depuis son entrée : Région Nouvelle-Aquitaine, version n° 1." in after


def test_the_indicators_page_rates_a_step_among_those_who_follow_it(panel, world, session):
    panel.sign_in(world.admin)
    panel.post(MOSELLE, {"action": "save"})  # intermediation only
    for name in ("Mosellane", "Messine"):
        builders.make_candidate(session, commune="57463", last_name=name)
    builders.attend(session, world.candidate_33, world.past_activity_33)
    session.commit()
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(panel.get("/admin/indicators/"))))
    assert "Entrés dans le parcours 6" in page
    # Four people follow the national meeting (the two in Moselle have no step): one in four.
    assert "Étape « Réunion d'information » suivie 1 25 %" in page


def test_saving_without_the_form_s_token_is_refused(panel, world, session):
    panel.sign_in(world.admin)
    assert panel.client.post(MOSELLE, data={"action": "save"}).status_code == 400
    assert _versions(session) == 0
