"""The activity page: roll call for everyone at once, enrolment, capacity refused when full."""

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from onboarding.pathway import enrollment as enrolment
from onboarding.pathway.models import Attendance, CandidateStatus, Enrollment
from tests import builders
from tests.admin.conftest import text


def _enrol(session, candidate, activity):
    row = enrolment.enroll(session, candidate, activity, actor=None, today=builders.TODAY)
    session.commit()
    return row


def test_roll_call_marks_every_line_with_hours(panel, world, session):
    activity = world.past_activity_33  # 9 h 30 – 12 h: 2.5 h
    present = _enrol(session, world.candidate_33, activity)
    late = _enrol(session, world.approved_33, activity)
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/activity/roll-call/{activity.id}",
        {f"attendance-{present.id}": "attended", f"hours-{present.id}": "",
         f"attendance-{late.id}": "attended", f"hours-{late.id}": "1,5"},
    )  # fmt: skip
    assert "Présences enregistrées pour 2" in panel.html(response.location)
    session.expire_all()
    assert (present.attendance, present.hours_credited) == (Attendance.ATTENDED, Decimal("2.50"))
    assert (late.attendance, late.hours_credited) == (Attendance.ATTENDED, Decimal("1.50"))
    # Shown back as typed in French, not as the database's 1.50.
    page = panel.html(f"/admin/activity/details/?id={activity.id}")
    assert f'name="hours-{late.id}" aria-label="Heures créditées pour' in page
    assert 'value="1,5"' in page
    assert 'value="1.50"' not in page


def test_one_wrong_line_refuses_the_whole_roll_call(panel, world, session):
    activity = world.past_activity_33
    first = _enrol(session, world.candidate_33, activity)
    second = _enrol(session, world.approved_33, activity)
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/activity/roll-call/{activity.id}",
        {f"attendance-{first.id}": "absent",
         f"attendance-{second.id}": "attended", f"hours-{second.id}": "9"},
    )  # fmt: skip
    # The sheet comes back as typed, to correct the one line, not from the database.
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Rien n'a été enregistré" in text(response)
    assert "durée de l'activité" in text(response)
    assert re.search(rf'name="attendance-{first.id}" value="absent"[^>]*checked', page)
    assert re.search(rf'name="attendance-{second.id}" value="attended"[^>]*checked', page)
    assert f'name="hours-{second.id}"' in page
    assert 'value="9"' in page
    session.expire_all()
    assert first.attendance == Attendance.PENDING
    assert second.attendance == Attendance.PENDING


def test_roll_call_of_a_future_activity_is_refused(panel, world, session):
    row = _enrol(session, world.candidate_33, world.activity_33)
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/activity/roll-call/{world.activity_33.id}", {f"attendance-{row.id}": "attended"}
    )
    assert "le jour de l'activité ou après" in text(response)
    session.expire_all()
    assert row.attendance == Attendance.PENDING


def test_roll_call_of_another_departement_is_not_found(panel, world, session):
    activity = builders.make_activity(
        session, world.past_activity_33.step, on=builders.TODAY - timedelta(days=1),
        commune=builders.PERIGUEUX,
    )  # fmt: skip
    row = _enrol(session, world.candidate_24, activity)
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/activity/roll-call/{activity.id}", {f"attendance-{row.id}": "attended"}
    )
    assert response.status_code == 404
    session.expire_all()
    assert row.attendance == Attendance.PENDING


def test_enrol_from_the_activity_page_until_it_is_full(panel, world, session):
    activity = world.activity_33  # 2 seats
    third = builders.make_candidate(session, CandidateStatus.IN_PATHWAY, last_name="Troisième")
    session.commit()
    panel.sign_in(world.coordinator_33)
    page = panel.html(f"/admin/activity/details/?id={activity.id}&q=Troisième")
    assert f'name="candidate_id" value="{third.id}"' in page
    other = panel.html(f"/admin/activity/details/?id={activity.id}&q=Périgord")
    assert 'name="candidate_id"' not in other, "only people of the activity's département"
    url = f"/admin/activity/enrol/{activity.id}"
    for candidate in (world.candidate_33, world.approved_33):
        response = panel.post(url, {"candidate_id": str(candidate.id)})
        assert "Inscription enregistrée" in panel.html(response.location)
    refused = panel.post(url, {"candidate_id": str(third.id)})
    assert "est complète (2 places)" in panel.html(refused.location)
    count = session.scalar(
        select(func.count()).select_from(Enrollment).where(Enrollment.activity_id == activity.id)
    )
    assert count == 2
    session.refresh(activity)
    assert activity.seats_taken == 2


def test_enrolling_someone_out_of_scope_or_twice_is_refused(panel, world, session):
    panel.sign_in(world.coordinator_33)
    url = f"/admin/activity/enrol/{world.activity_33.id}"
    outside = panel.post(url, {"candidate_id": str(world.candidate_24.id)})
    assert "hors de vos départements" in panel.html(outside.location)
    panel.post(url, {"candidate_id": str(world.candidate_33.id)})
    twice = panel.post(url, {"candidate_id": str(world.candidate_33.id)})
    assert "déjà inscrit(e)" in panel.html(twice.location)
    garbage = panel.post(url, {"candidate_id": "abc"})
    assert "Cochez les personnes à inscrire" in panel.html(garbage.location)
    session.refresh(world.activity_33)
    assert world.activity_33.seats_taken == 1
