"""Personal access links from the panel: sent by email or printed, one by one or in bulk;
partners may do neither."""

import re
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from onboarding import mail
from onboarding.candidate.links import valid_until
from onboarding.pathway.models import AuditLog
from tests.admin.conftest import text

LINK = re.compile(r"http://localhost(/candidat/acces/[A-Za-z0-9._-]+)")


def _outbox(app) -> list:
    return mail.outbox_messages(Path(app.config["MAIL_OUTBOX"]))


def _link_in(message) -> str:
    match = LINK.search(message.get_content())
    assert match, "the message carries the link"
    return match.group(1)


def test_bulk_sending_reports_each_row(app, panel, world, session, client):
    world.candidate_33.email = "girondine@example.org"
    session.commit()
    panel.sign_in(world.coordinator_33)
    ids = [world.candidate_33.id, world.approved_33.id, world.candidate_24.id]

    response = panel.post("/admin/candidate/bulk/links/", {"ids": ",".join(map(str, ids))})

    page = text(response)
    assert "1 fait" in page
    assert "2 refusés" in page
    assert "Lien envoyé à girondine@example.org" in page
    assert "Pas d'adresse e-mail enregistrée : imprimez son lien depuis sa fiche" in page
    assert "hors de vos départements" in page
    messages = _outbox(app)
    assert [m["To"] for m in messages] == ["girondine@example.org"]
    assert messages[0]["Subject"] == "Votre lien personnel – Parcours Assmat"
    session.expire_all()
    until = valid_until(world.candidate_33)
    assert until
    assert f"valable jusqu'au {until} inclus" in messages[0].get_content()
    assert world.approved_33.access_nonce is None, "a refused row gets no link"
    assert world.candidate_24.access_nonce is None
    # The link works, and opening it ends the coordinator's session.
    assert client.get(_link_in(messages[0])).status_code == 302
    assert "Bonjour Camille" in text(client.get("/candidat/"))


def test_the_list_offers_the_bulk_action(panel, world):
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        "/admin/candidate/action/",
        {"action": "send_links", "rowid": [str(world.candidate_33.id)]},
    )
    assert response.status_code == 302
    page = panel.html(response.location)
    assert "Générer et envoyer les liens d'accès personnels" in page
    assert world.candidate_33.full_name in page


def test_a_mail_server_down_keeps_the_previous_link(app, panel, world, session, client):
    from onboarding.candidate.links import new_personal_link

    world.candidate_33.email = "girondine@example.org"
    previous = new_personal_link(world.candidate_33).removeprefix("http://localhost")
    session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    panel.sign_in(world.coordinator_33)

    response = panel.post("/admin/candidate/bulk/links/", {"ids": str(world.candidate_33.id)})

    assert "Le message n'a pas pu être envoyé" in text(response)
    assert "0 fait" in text(response)
    assert client.get(previous).status_code == 302, "the earlier link still opens"


def test_sending_from_the_candidate_page_revokes_the_previous_link(app, panel, world, session):
    from onboarding.candidate.links import new_personal_link

    world.candidate_33.email = "girondine@example.org"
    previous = new_personal_link(world.candidate_33).removeprefix("http://localhost")
    session.commit()
    panel.sign_in(world.coordinator_33)
    assert "Lien d'accès personnel" in panel.html(
        f"/admin/candidate/details/?id={world.candidate_33.id}"
    )

    response = panel.post(f"/admin/candidate/access-link/{world.candidate_33.id}/send")

    assert response.status_code == 302
    page = panel.html(response.location)
    assert "Lien personnel envoyé à girondine@example.org" in page
    assert "Le lien précédent ne fonctionne plus." in page
    entry = session.query(AuditLog).filter_by(action="access_link").one()
    assert (entry.actor_id, entry.fields) == (world.coordinator_33.id, ["access_nonce"])
    new = _link_in(_outbox(app)[0])
    assert panel.client.get(previous).status_code == 403
    assert panel.client.get(new).status_code == 302


def test_sending_without_an_email_is_refused_with_a_reason(app, panel, world, session):
    panel.sign_in(world.coordinator_33)

    response = panel.post(f"/admin/candidate/access-link/{world.candidate_33.id}/send")

    assert "Pas d'adresse e-mail enregistrée" in panel.html(response.location)
    assert _outbox(app) == []
    session.expire_all()
    assert world.candidate_33.access_nonce is None


def test_printing_gives_a_pdf_with_a_working_link(panel, world, session):
    panel.sign_in(world.coordinator_33)

    response = panel.post(f"/admin/candidate/access-link/{world.candidate_33.id}/print")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = "".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)
    assert "Votre lien personnel" in pdf
    # The link wraps anywhere; the QR code's caption follows it.
    printed_link = pdf.split("Ou scannez")[0].replace("\n", "")
    match = LINK.search(printed_link)
    assert match, pdf
    assert panel.client.get(match.group(1)).status_code == 302


def test_the_printed_letter_carries_the_link_as_a_qr_code(app, panel, world, session):
    from flask import template_rendered

    from onboarding.candidate import links

    rendered = []
    panel.sign_in(world.coordinator_33)
    with template_rendered.connected_to(
        lambda sender, template, context, **kw: rendered.append((template.name, context)), app
    ):
        response = panel.post(f"/admin/candidate/access-link/{world.candidate_33.id}/print")
    assert response.status_code == 200
    [context] = [c for name, c in rendered if name == "documents/access_letter.html"]
    assert context["qr_code"] == links.qr_code_svg(context["url"])
    assert str(context["qr_code"]).startswith("<svg")
    assert "Ou scannez ce code" in "".join(
        p.extract_text() for p in PdfReader(BytesIO(response.data)).pages
    )


def test_replacing_a_link_still_valid_says_so_before(panel, world, session):
    panel.sign_in(world.coordinator_33)
    page = panel.html(f"/admin/candidate/details/?id={world.candidate_33.id}")
    assert "est encore valable" not in page

    panel.post(f"/admin/candidate/access-link/{world.candidate_33.id}/print")
    page = panel.html(f"/admin/candidate/details/?id={world.candidate_33.id}")
    assert "le lien actuel, encore valable, cessera de fonctionner" in page
    assert "un nouveau lien imprimé le remplacera" in page


def test_out_of_scope_candidates_are_404(panel, world, session):
    world.candidate_24.email = "perigord@example.org"
    session.commit()
    panel.sign_in(world.coordinator_33)

    for kind in ("send", "print"):
        response = panel.post(f"/admin/candidate/access-link/{world.candidate_24.id}/{kind}")
        assert response.status_code == 404
    session.expire_all()
    assert world.candidate_24.access_nonce is None


def test_partners_may_neither_send_nor_print(app, panel, world, session):
    world.candidate_33.email = "girondine@example.org"
    session.commit()
    panel.sign_in(world.partner_33)
    page = panel.html(f"/admin/candidate/details/?id={world.candidate_33.id}")
    assert "Envoyer un nouveau lien" not in page

    assert panel.get(f"/admin/candidate/bulk/links/?ids={world.candidate_33.id}").status_code == 403
    assert (
        panel.post("/admin/candidate/bulk/links/", {"ids": str(world.candidate_33.id)}).status_code
        == 403
    )
    assert (
        panel.post(
            "/admin/candidate/action/",
            {"action": "send_links", "rowid": [str(world.candidate_33.id)]},
        ).status_code
        == 403
    )
    for kind in ("send", "print"):
        response = panel.post(f"/admin/candidate/access-link/{world.candidate_33.id}/{kind}")
        assert response.status_code == 403
    assert _outbox(app) == []
    session.expire_all()
    assert world.candidate_33.access_nonce is None


def test_sending_without_the_csrf_token_is_refused(panel, world, session):
    world.candidate_33.email = "girondine@example.org"
    session.commit()
    panel.sign_in(world.coordinator_33)

    response = panel.client.post(f"/admin/candidate/access-link/{world.candidate_33.id}/send")

    assert response.status_code == 400
    session.expire_all()
    assert world.candidate_33.access_nonce is None
