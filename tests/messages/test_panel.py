"""The panel shows each person's messages, and admins send failed ones again."""

import html

from sqlalchemy import select

from onboarding.messages.delivery import send_due
from onboarding.pathway import enrollment
from onboarding.pathway.models import MessageKind, MessageStatus, OutboxMessage
from tests.builders import TODAY
from tests.conftest import csrf_token_from


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html.unescape(response.get_data(as_text=True))


def _failed_invitation(session, smtp, meeting) -> OutboxMessage:
    candidate, activity = meeting
    enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    session.commit()
    smtp.refuse_recipient = "550 5.1.1 No such user"
    send_due(session)
    smtp.refuse_recipient = None
    return session.scalar(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.ENROLLMENT_INVITATION)
    )


def test_the_candidate_page_lists_her_messages_with_their_state(
    session, client, auth, admin_user, smtp, meeting
):
    candidate, _ = meeting
    _failed_invitation(session, smtp, meeting)
    auth.login(admin_user.email)

    page = _page(client, f"/admin/candidate/details/?id={candidate.id}")

    section = page[page.index('id="messages"') :]
    assert "Invitation à une activité" in section
    assert "Échec" in section
    assert "Rappel d'une activité" in section
    assert "À envoyer" in section


def test_an_admin_sends_a_failed_message_again_from_the_outbox(
    session, client, auth, admin_user, smtp, meeting
):
    failed = _failed_invitation(session, smtp, meeting)
    assert failed.status == MessageStatus.FAILED
    auth.login(admin_user.email)

    listing = _page(client, "/admin/outbox/?flt0_0=failed")
    assert "Échec" in listing
    # Said in French; the stored code stays on hover, for the server's logs.
    assert '<span title="SMTPRecipientsRefused">Adresse refusée par le serveur de messagerie.' in (
        listing
    )
    token = csrf_token_from(listing)
    response = client.post(
        "/admin/outbox/action/",
        data={"csrf_token": token, "action": "retry", "rowid": [str(failed.id)]},
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(OutboxMessage, failed.id).status == MessageStatus.PENDING
    assert send_due(session).sent >= 1
    assert [m["To"] for m in smtp.messages()] == ["lea@example.org"]


def test_a_message_already_sent_is_not_sent_again_by_the_action(
    session, client, auth, admin_user, smtp, meeting
):
    candidate, activity = meeting
    enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    session.commit()
    send_due(session)
    sent = session.scalar(select(OutboxMessage).where(OutboxMessage.status == MessageStatus.SENT))
    auth.login(admin_user.email)
    token = csrf_token_from(_page(client, "/admin/outbox/"))

    client.post(
        "/admin/outbox/action/",
        data={"csrf_token": token, "action": "retry", "rowid": [str(sent.id)]},
    )
    session.expire_all()
    assert session.get(OutboxMessage, sent.id).status == MessageStatus.SENT
    assert "seuls les messages en échec" in _page(client, "/admin/outbox/")


def test_the_outbox_is_for_admins_only(client, auth, coordinator_33, partner_33):
    for user in (coordinator_33, partner_33):
        auth.login(user.email)
        assert client.get("/admin/outbox/").status_code in {403, 404}
        auth.logout()
