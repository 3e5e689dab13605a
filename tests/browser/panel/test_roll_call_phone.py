"""The roll call on a phone (390 px wide): nothing wider than the screen, and a coordinator marks
each person and saves the roll call with the thumb."""

import pytest
from sqlalchemy import select

from onboarding.pathway import enrollment
from onboarding.pathway.models import Attendance, CandidateStatus, Enrollment
from tests import builders
from tests.browser.conftest import assert_accessible
from tests.browser.panel.conftest import sign_in

PHONE = {"width": 390, "height": 844}

# How far the page and each of the roll call's controls reach, against the screen's width.
MEASURE = """() => ({
  page: document.documentElement.scrollWidth,
  screen: window.innerWidth,
  controls: [...document.querySelectorAll('.panel-roll-call input, form button[type=submit]')]
    .map(e => Math.ceil(e.getBoundingClientRect().right)),
})"""


@pytest.fixture
def roll_call(session, world):
    activity = world.past_activity_33
    long_name = builders.make_candidate(
        session,
        CandidateStatus.IN_PATHWAY,
        first_name="Marie-Christine",
        last_name="Delacroix-Montesquieu-Fézensac",
    )
    rows = [
        enrollment.enroll(session, person, activity, actor=None, today=activity.date)
        for person in (world.candidate_33, long_name)
    ]
    session.commit()
    return activity, rows


def test_the_roll_call_fits_a_phone_and_is_saved(page, session, world, roll_call):
    activity, (first, second) = roll_call
    page.set_viewport_size(PHONE)
    sign_in(page, world.coordinator_33.email)
    assert page.goto(f"/admin/activity/details/?id={activity.id}").status == 200

    reach = page.evaluate(MEASURE)
    assert reach["screen"] == 390
    assert reach["page"] <= reach["screen"], "the page scrolls sideways"
    assert len(reach["controls"]) >= 2 * 3 + 2
    assert max(reach["controls"]) <= reach["screen"], reach
    assert_accessible(page)

    full_name = first.candidate.full_name
    other_name = second.candidate.full_name
    page.get_by_label(f"{full_name} : Présent").check()
    page.get_by_label(f"Heures créditées pour {full_name}").fill("2,5")
    page.get_by_label(f"{other_name} : Absent excusé").check()
    page.get_by_role("button", name="Enregistrer les présences").click()
    page.wait_for_load_state("load")
    assert page.locator(".fr-alert--error").count() == 0, page.locator("main").inner_text()

    session.expire_all()
    marks = {
        row.candidate_id: (row.attendance, row.hours_credited)
        for row in session.scalars(select(Enrollment).where(Enrollment.activity_id == activity.id))
    }
    assert marks[first.candidate_id][0] == Attendance.ATTENDED
    assert float(marks[first.candidate_id][1]) == 2.5
    assert marks[second.candidate_id][0] == Attendance.EXCUSED
    # Saved and shown again, still within the screen.
    assert page.get_by_label(f"{full_name} : Présent").is_checked()
    assert page.evaluate(MEASURE)["page"] <= 390


def test_the_measure_sees_a_roll_call_wider_than_the_phone(page, world, roll_call):
    """The check can fail: a roll call forced wider than the screen is caught."""
    activity, _ = roll_call
    page.set_viewport_size(PHONE)
    sign_in(page, world.coordinator_33.email)
    page.goto(f"/admin/activity/details/?id={activity.id}")
    page.evaluate(
        "() => document.querySelector('.panel-roll-call').classList.remove('panel-roll-call')"
    )
    reach = page.evaluate(MEASURE)
    # Without the phone layout the table (its status column, its wide inputs) overflows.
    assert reach["page"] > reach["screen"] or max(reach["controls"], default=0) > reach["screen"]
