"""Inviting an imported carer to her space: by email through the outbox (her link issued when it
leaves, and it opens her space), or a letter with the link and its QR code; from the panel."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from onboarding.messages.delivery import send_due
from onboarding.pathway import clock, invitations
from onboarding.pathway.models import AuditAction, AuditLog, MessageKind, OutboxMessage
from tests.admin.conftest import text
from tests.carer.conftest import make_imported_carer


def test_the_emailed_invitation_opens_her_space(nadia, session, client, app, smtp):
    invitation = invitations.invite_carer(
        session, nadia, secret_key=app.secret_key, now=clock.now()
    )
    session.commit()
    assert invitation.by == "email"
    assert invitation.token is None
    assert nadia.access_issued_at is None  # issued when the message leaves

    assert send_due(session).sent == 1
    (mail,) = smtp.messages("nadia@example.org")
    url = re.search(r"http://\S+/espace-assmat/acces/\S+", mail.get_body(("plain",)).get_content())
    assert url, "the message carries her link"
    response = client.get(url.group(0).removeprefix("http://127.0.0.1:5000"))
    assert response.status_code == 302
    assert client.get("/espace-assmat/").status_code == 200


def test_without_email_she_gets_a_letter_with_her_link(session, app):
    carer = make_imported_carer(session, email=None, phone="05 56 00 00 00")
    invitation = invitations.invite_carer(
        session, carer, secret_key=app.secret_key, now=clock.now()
    )
    assert invitation.by == "letter"
    assert invitation.token
    assert carer.access_issued_at is not None
    assert session.scalar(select(OutboxMessage)) is None


def test_the_panel_invites_by_email_and_prints_a_letter(session, panel, coordinator_33):
    with_email = make_imported_carer(session)
    without = make_imported_carer(session, first_name="Lucie", email=None, phone="0556000000")
    session.commit()
    panel.sign_in(coordinator_33)

    assert "jamais invitée" in panel.html(f"/admin/carer/details/?id={with_email.id}")
    assert panel.post(f"/admin/carer/invite/{with_email.id}").status_code == 302
    queued = session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.CARER_LINK)
    )
    assert queued.subject_id == with_email.id

    letter = panel.post(f"/admin/carer/invite/{without.id}/print")
    assert letter.status_code == 200
    assert letter.mimetype == "application/pdf"
    session.expire_all()
    assert without.access_issued_at is not None
    actors = session.scalars(
        select(AuditLog.actor_id).where(AuditLog.action == AuditAction.CARER_INVITE)
    ).all()
    assert actors == [coordinator_33.id, coordinator_33.id]


def test_a_partner_cannot_invite(session, panel, partner_33, nadia):
    panel.sign_in(partner_33)
    assert panel.post(f"/admin/carer/invite/{nadia.id}").status_code == 403
    assert panel.post(f"/admin/carer/invite/{nadia.id}/print").status_code == 403
    assert session.scalar(select(OutboxMessage)) is None


def test_the_list_invites_a_selection_and_names_those_without_email(
    session,
    panel,
    coordinator_33,
):
    one = make_imported_carer(session)
    none = make_imported_carer(session, first_name="Lucie", last_name="Sansmail", email=None,
                               phone="0556000000")  # fmt: skip
    session.commit()
    panel.sign_in(coordinator_33)
    response = panel.client.post(
        "/admin/carer/action/",
        data={"csrf_token": panel.token(), "action": "invite", "rowid": [one.id, none.id]},
        follow_redirects=True,
    )
    page = text(response)
    assert "Invitations envoyées : 1." in page
    assert "Lucie Sansmail" in page
    subjects = session.scalars(select(OutboxMessage.subject_id)).all()
    assert subjects == [one.id]


def test_the_may_campaign_reaches_an_imported_carer_with_her_own_link(session, client, smtp):
    carer = make_imported_carer(session, last_confirmed_on=date(2026, 2, 10), is_published=True,
                                publication_consent_at=clock.now(),
                                publication_consent_version="2026-01")  # fmt: skip
    session.commit()
    with clock.frozen_at(datetime(2026, 5, 1, 8, tzinfo=ZoneInfo("Europe/Paris"))):
        assert send_due(session).sent == 1
    (mail,) = smtp.messages(carer.email)
    body = mail.get_body(("plain",)).get_content()
    link = re.search(r"http://localhost(/espace-assmat/acces/\S+)", body).group(1)
    assert client.get(link).status_code == 302
    assert client.get("/espace-assmat/").status_code == 200
