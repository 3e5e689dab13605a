"""The carer space opens with her own personal link (an imported carer has no other), or with
her candidate's link when she came through the pathway; never with someone else's."""

from datetime import timedelta

from sqlalchemy import select

from onboarding.candidate.links import new_personal_link
from onboarding.pathway import access
from onboarding.pathway.base import utcnow
from onboarding.pathway.models import CandidateStatus, Carer, MessageKind, OutboxMessage
from tests import builders
from tests.candidate.conftest import text
from tests.carer.conftest import add_place, make_imported_carer
from tests.conftest import csrf_token_from


def test_her_own_link_opens_her_space(nadia, carer_space):
    response = carer_space.client.get(carer_space.link(nadia))
    assert response.headers["Location"].endswith("/espace-assmat/")
    page = carer_space.client.get("/espace-assmat/")
    assert page.status_code == 200
    assert "Mes places" in text(page)
    assert page.headers["Cache-Control"] == "no-store"


def test_without_a_link_nothing_opens(nadia, client):
    for url in ("/espace-assmat/", "/espace-assmat/demandes", "/espace-assmat/places/nouvelle"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Ce lien ne permet pas" in text(response)


def test_a_new_link_revokes_the_previous_one_and_its_session(nadia, carer_space, session):
    first = carer_space.link(nadia)
    carer_space.client.get(first)
    carer_space.link(nadia)  # a second link: the first, and the session it opened, end
    assert carer_space.client.get("/espace-assmat/").status_code == 403
    assert carer_space.client.get(first).status_code == 403


def test_a_candidates_token_does_not_open_a_carer_space(app, session, client):
    """Same id, same nonce, same key: the salt of each kind keeps one's token from the other's."""
    carer = make_imported_carer(session)
    carer.access_nonce = "same-nonce"
    session.commit()
    as_candidate = access.sign(carer.id, "same-nonce", secret_key=app.secret_key, now=utcnow())
    assert client.get(f"/espace-assmat/acces/{as_candidate}").status_code == 403
    as_carer = access.sign(
        carer.id, "same-nonce", secret_key=app.secret_key, now=utcnow(), kind=Carer
    )
    assert client.get(f"/espace-assmat/acces/{as_carer}").status_code == 302


def test_another_carers_link_never_reaches_her_places(nadia, session, carer_space):
    other = make_imported_carer(session, first_name="Zoé", email="zoe@example.org")
    session.commit()
    theirs = add_place(session, other)
    session.commit()
    carer_space.open(nadia)
    assert carer_space.client.get(f"/espace-assmat/places/{theirs.id}").status_code == 404
    response = carer_space.post(f"/espace-assmat/places/{theirs.id}/supprimer")
    assert response.status_code == 404
    session.expire_all()
    assert len(other.vacancies) == 1


def test_a_withdrawn_carers_link_no_longer_opens(nadia, session, carer_space):
    url = carer_space.link(nadia)
    nadia.withdrawn_on = builders.TODAY - timedelta(days=1)
    session.commit()
    assert carer_space.client.get(url).status_code == 403


def test_the_candidates_link_opens_her_carer_space_too(session, client):
    candidate = builders.make_candidate(
        session, CandidateStatus.APPROVED, first_name="Awa", email="awa@example.org"
    )
    url = new_personal_link(candidate).removeprefix("http://localhost")
    session.commit()
    client.get(url)
    page = client.get("/espace-assmat/")
    assert page.status_code == 200
    assert "Mon parcours" in text(page)
    # An old address of her places still leads there.
    assert client.get("/candidat/disponibilites").headers["Location"].endswith("/espace-assmat/")


def test_signing_out_ends_the_session(nadia, carer_space):
    carer_space.open(nadia)
    response = carer_space.post("/espace-assmat/deconnexion")
    assert "Vous avez quitté votre espace" in text(response)
    assert carer_space.client.get("/espace-assmat/").status_code == 403


def test_a_new_link_answers_the_same_whatever_was_typed(nadia, client, session):
    answers = []
    for typed in ("nadia@example.org", "personne@example.org"):
        token = csrf_token_from(client.get("/espace-assmat/nouveau-lien").get_data(as_text=True))
        response = client.post(
            "/espace-assmat/nouveau-lien", data={"csrf_token": token, "contact": typed}
        )
        answers.append(text(response))
    assert answers[0] == answers[1]
    queued = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.CARER_LINK)
    ).all()
    assert [m.subject_id for m in queued] == [nadia.id]
