"""The personal link's life: valid, expired, altered, revoked; the session it opens."""

from datetime import timedelta

from onboarding.pathway import access
from onboarding.pathway.base import utcnow
from tests.candidate.conftest import text
from tests.conftest import csrf_token_from

REFUSED = "Ce lien ne permet pas d'accéder à votre espace"


def test_a_valid_link_opens_a_fresh_session_and_the_progress_page(place, space, client):
    response = client.get(space.link(place.candidate))

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/candidat/")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = client.get("/candidat/")
    assert page.status_code == 200
    assert "Bonjour Inès" in text(page)
    assert page.headers["Cache-Control"] == "no-store"


def test_the_space_without_a_link_is_refused(place, client):
    response = client.get("/candidat/")

    assert response.status_code == 403
    assert REFUSED in text(response)
    assert "Inès" not in text(response)


def test_an_expired_link_is_refused(app, place, space, client, session):
    candidate = place.candidate
    old = utcnow() - access.LINK_VALIDITY - timedelta(minutes=1)
    token = access.issue_link(candidate, secret_key=app.secret_key, now=old)
    session.commit()

    response = client.get(f"/candidat/acces/{token}")

    assert response.status_code == 403
    assert REFUSED in text(response)
    assert client.get("/candidat/").status_code == 403


def test_a_link_just_inside_thirty_days_still_opens(app, place, client, session):
    almost = utcnow() - access.LINK_VALIDITY + timedelta(minutes=5)
    token = access.issue_link(place.candidate, secret_key=app.secret_key, now=almost)
    session.commit()

    assert client.get(f"/candidat/acces/{token}").status_code == 302


def test_an_altered_link_is_refused(place, space, client):
    url = space.link(place.candidate)
    altered = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")

    response = client.get(altered)

    assert response.status_code == 403
    assert REFUSED in text(response)


def test_a_link_signed_with_another_key_or_for_another_id_is_refused(app, place, client):
    nonce = place.candidate.access_nonce or "x"
    forged = access.sign(place.candidate.id, nonce, secret_key="another key", now=utcnow())
    assert client.get(f"/candidat/acces/{forged}").status_code == 403
    # A correctly signed claim with someone else's id but this nonce matches no one.
    space_token = access.issue_link(place.candidate, secret_key=app.secret_key)
    claim = access.read(space_token, secret_key=app.secret_key, now=utcnow())
    swapped = access.sign(place.other.id, claim.nonce, secret_key=app.secret_key, now=utcnow())
    assert client.get(f"/candidat/acces/{swapped}").status_code == 403


def test_a_new_link_revokes_the_previous_one_and_its_open_session(place, space, client):
    first = space.link(place.candidate)
    assert client.get(first).status_code == 302
    assert client.get("/candidat/").status_code == 200

    second = space.link(place.candidate)

    assert client.get("/candidat/").status_code == 403, "the open session ends at once"
    assert client.get(first).status_code == 403
    assert client.get(second).status_code == 302
    assert client.get("/candidat/").status_code == 200


def test_a_deleted_candidate_session_ends(place, space, client, session):
    space.open(place.candidate)
    place.candidate.access_nonce = None
    session.commit()

    assert client.get("/candidat/").status_code == 403


def test_opening_a_link_ends_a_staff_session(place, space, client, auth, coordinator_33):
    assert auth.login(coordinator_33.email).status_code == 302
    assert client.get("/admin/").status_code == 200

    space.open(place.candidate)

    assert client.get("/admin/").status_code == 302, "staff sign-in is gone"
    assert client.get("/candidat/").status_code == 200


def test_a_staff_sign_in_ends_the_candidate_session(place, space, client, auth, coordinator_33):
    space.open(place.candidate)

    auth.login(coordinator_33.email)

    assert client.get("/candidat/").status_code == 403


def test_opening_another_link_switches_to_that_candidate(place, space, client):
    space.open(place.candidate)
    space.open(place.other)

    assert "Bonjour Paul" in text(client.get("/candidat/"))


def test_leaving_the_space_ends_the_session(place, space, client):
    space.open(place.candidate)
    token = csrf_token_from(client.get("/candidat/").get_data(as_text=True))

    response = client.post("/candidat/deconnexion", data={"csrf_token": token})

    assert response.status_code == 200
    assert "Vous avez quitté votre espace" in text(response)
    assert client.get("/candidat/").status_code == 403


def test_the_token_is_never_logged(place, space, client, caplog):
    url = space.link(place.candidate)
    token = url.rsplit("/", 1)[1]
    with caplog.at_level("DEBUG"):
        client.get(url)
        client.get(url[:-2] + "zz")
    assert token not in caplog.text


def test_the_command_prints_a_working_link(place, runner, client):
    result = runner.invoke(args=["candidate-link", str(place.candidate.id)])

    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith("http://localhost/candidat/acces/")
    assert client.get(url.removeprefix("http://localhost")).status_code == 302


def test_the_command_refuses_an_unknown_candidate(place, runner):
    result = runner.invoke(args=["candidate-link", "999999"])

    assert result.exit_code != 0
    assert "no candidate with id 999999" in result.output


def test_server_access_logs_mask_the_token(app, place, space):
    import logging

    url = space.link(place.candidate)
    token = url.rsplit("/", 1)[1]
    # As werkzeug's development server writes a request line.
    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s -',
        ("127.0.0.1", "now", f"GET {url} HTTP/1.1", "302"), None,
    )  # fmt: skip

    for handler_filter in logging.getLogger("werkzeug").filters:
        handler_filter.filter(record)

    assert token not in record.getMessage()
    assert "GET /candidat/acces/[lien masqué] HTTP/1.1" in record.getMessage()


def test_once_anonymised_her_link_and_open_session_close(place, space, client, session):
    """Her link no longer opens (it would show "Bonjour Anonyme" and let her type her details
    back onto the erased file), and the session it opened ends at once."""
    from onboarding.pathway import privacy

    link = space.link(place.approved)
    assert client.get(link).status_code == 302
    assert client.get("/candidat/").status_code == 200
    privacy.anonymise_candidate(session, place.approved, actor=None)
    session.commit()

    assert client.get("/candidat/").status_code == 403
    assert client.get("/espace-assmat/").status_code in (403, 404)
    assert client.get(link).status_code == 403
    session.expire_all()
    assert place.approved.email is None


def test_a_candidate_who_is_no_longer_a_carer_is_not_offered_the_carer_pages(
    place, space, client, session
):
    from onboarding.pathway import clock

    space.open(place.approved)
    page = client.get("/candidat/").get_data(as_text=True)
    assert "Mes disponibilités" in page
    place.approved.carer.withdrawn_on = clock.today()
    session.commit()
    page = client.get("/candidat/").get_data(as_text=True)
    for link in ("Mes disponibilités", "Demandes des parents", "Gérer ce que voient les parents"):
        assert link not in page
    assert client.get("/espace-assmat/").status_code == 404
