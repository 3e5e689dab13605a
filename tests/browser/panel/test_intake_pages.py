"""The queue "Demandes à qualifier", a request's page and an activity page with its waiting
list, in Chromium: no serious or critical axe violation."""

from onboarding.pathway import enrollment, intake, waiting_lists
from onboarding.pathway.models import CandidateStatus
from tests import builders
from tests.browser.conftest import assert_accessible


def test_queue_request_and_waiting_list_pages_pass_axe(admin_page, world, session):
    request = intake.pre_register(
        session,
        intake.PreRegistrationInput(
            first_name="Nadia", last_name="Benali", commune_insee=builders.BORDEAUX,
            situation="job_seeker", email="nadia@example.org", consent=True,
        ),
    )  # fmt: skip
    activity = world.activity_33
    for _ in range(activity.capacity):
        person = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
        enrollment.enroll(session, person, activity, actor=None, today=builders.TODAY)
    waiting_lists.join(session, world.candidate_33, activity, actor=None)
    session.commit()
    for path in (
        "/admin/preinscriptions/",
        f"/admin/preinscriptions/{request.id}",
        f"/admin/activity/details/?id={activity.id}&q=Martin",
        f"/admin/candidate/details/?id={world.approved_33.id}",
    ):
        assert admin_page.goto(path).status == 200, path
        assert admin_page.locator("h1").count() == 1, path
        assert_accessible(admin_page)
    assert "Liste d'attente" in admin_page.goto(f"/admin/activity/details/?id={activity.id}").text()
