"""What a message says of how to reach her space and whom to contact: a link that opens even
when the same news also went by SMS, and no name of an account since deactivated."""

import re
from datetime import timedelta

from onboarding.messages import sms
from onboarding.messages.delivery import send_due
from onboarding.pathway import enrollment, waiting_lists
from onboarding.pathway.models import ActivityKind, CandidateStatus
from tests import builders

LINK = re.compile(r"https?://[^\s\"<]+/candidat/acces/[^\s\"<]+")


def test_a_seat_offered_by_email_and_sms_carries_one_link_that_opens_from_both(
    session, client, smtp, sms_folder
):
    step = builders.make_step(session, ActivityKind.COACHING, title="Atelier dossier")
    activity = builders.make_activity(
        session, step, on=builders.TODAY + timedelta(days=1), capacity=1, title="Atelier PMI"
    )
    holder = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    waiting = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, first_name="Inès", email="ines@example.org",
        phone="06 12 34 56 78",
    )  # fmt: skip
    held = enrollment.enroll(session, holder, activity, actor=None, today=builders.TODAY)
    waiting_lists.join(session, waiting, activity, actor=None)
    enrollment.excuse(session, held, today=builders.TODAY, by_candidate=True)
    session.commit()

    send_due(session)

    [mail] = smtp.messages("ines@example.org")
    [by_email] = LINK.findall(mail.get_body(preferencelist=("plain",)).get_content())
    [text_message] = [m for m in sms.folder_messages(sms_folder) if "Atelier PMI" in m["text"]]
    [by_sms] = LINK.findall(text_message["text"])
    for link in (by_email, by_sms, by_email):
        opened = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
        assert opened.status_code == 302, link
        assert client.get("/candidat/").status_code == 200


def test_a_deactivated_coordinator_is_not_named_as_her_contact(
    session, smtp, meeting, coordinator_33
):
    candidate, activity = meeting
    coordinator_33.is_active = False
    enrollment.enroll(session, candidate, activity, actor=None, today=builders.TODAY)
    session.commit()

    send_due(session)

    [message] = smtp.messages("lea@example.org")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "coord33@example.org" not in text
    assert "Votre contact : l'équipe Parcours Assmat de votre département." in text
