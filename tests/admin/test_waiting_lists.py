"""Waiting lists in the panel: a full activity offers "Inscrire en liste d'attente" on the
candidate page and on the activity page; the activity page shows the list in order, in French,
with its moves; taking someone off passes the seat held for her."""

import re
from datetime import timedelta

from sqlalchemy import select

from onboarding.pathway import enrollment, waiting_lists
from onboarding.pathway.models import CandidateStatus, WaitingListEntry
from onboarding.pathway.models import WaitingStatus as W
from tests import builders
from tests.admin.conftest import text

S = CandidateStatus


def _fill(session, activity, count: int):
    people = [builders.make_candidate(session, S.IN_PATHWAY) for _ in range(count)]
    for person in people:
        enrollment.enroll(session, person, activity, actor=None, today=builders.TODAY)
    session.commit()
    return people


def _entries(session):
    session.expire_all()
    return list(session.scalars(select(WaitingListEntry).order_by(WaitingListEntry.id)))


def test_the_candidate_page_offers_the_waiting_list_of_a_full_activity(panel, world, session):
    _fill(session, world.activity_33, 2)
    panel.sign_in(world.coordinator_33)
    page = panel.html(f"/admin/candidate/details/?id={world.candidate_33.id}")
    assert "Inscrire en liste d'attente" in page
    assert "Complète" in page
    url = f"/admin/candidate/enrol-in/{world.candidate_33.id}"
    done = panel.post(url, {"activity_id": str(world.activity_33.id), "waiting": "1"})
    assert done.status_code == 302
    assert "est sur la liste d'attente" in panel.html(done.headers["Location"])
    (entry,) = _entries(session)
    assert (entry.candidate_id, entry.status) == (world.candidate_33.id, W.WAITING)
    # Once on it, the activity is no longer offered to her; a second request is refused.
    assert "Inscrire en liste d'attente" not in panel.html(
        f"/admin/candidate/details/?id={world.candidate_33.id}"
    )
    again = panel.post(url, {"activity_id": str(world.activity_33.id), "waiting": "1"})
    assert "déjà sur la liste d'attente" in panel.html(again.headers["Location"])
    assert len(_entries(session)) == 1


def test_the_activity_page_enrols_the_ticked_on_its_waiting_list_in_order(panel, world, session):
    holders = _fill(session, world.activity_33, 2)
    first = builders.make_candidate(session, S.IN_PATHWAY, last_name="Premiere")
    second = builders.make_candidate(session, S.IN_PATHWAY, last_name="Seconde")
    session.commit()
    panel.sign_in(world.coordinator_33)
    page = f"/admin/activity/details/?id={world.activity_33.id}"
    found = panel.html(f"{page}&q=Premiere")
    assert "Inscrire en liste d'attente les personnes cochées" in found
    url = f"/admin/activity/enrol/{world.activity_33.id}"
    for person in (first, second):
        panel.post(url, {"candidate_id": str(person.id), "waiting": "1"})
    listed = panel.html(page)
    section = listed.split('id="waiting-list"', 1)[1]
    assert section.index("Premiere") < section.index("Seconde")
    assert "1re en attente" in section
    assert "2e en attente" in section
    assert re.search(r"\d{2}/\d{2}/\d{4} à \d{1,2} h \d{2}", section)  # dates in French
    # A seat freed a few days ahead: the first is enrolled at once, the list shows it.
    enrollment.cancel_enrollment(session, holders[0].enrollments[0])
    session.commit()
    section = panel.html(page).split('id="waiting-list"', 1)[1]
    assert "inscrite" in section
    assert "1re en attente" in section  # the second moved up
    assert [e.status for e in _entries(session)] == [W.ENROLLED, W.WAITING]


def test_taking_off_someone_offered_a_seat_passes_it_on(panel, world, session):
    soon = builders.make_activity(
        session, world.activity_33.step, on=builders.TODAY + timedelta(days=1), capacity=1
    )
    (holder,) = _fill(session, soon, 1)
    first, second = (builders.make_candidate(session, S.IN_PATHWAY) for _ in range(2))
    for person in (first, second):
        waiting_lists.join(session, person, soon, actor=None)
    enrollment.cancel_enrollment(session, holder.enrollments[0])
    session.commit()
    offered, waiting = _entries(session)
    assert (offered.status, waiting.status) == (W.OFFERED, W.WAITING)
    panel.sign_in(world.partner_33)
    leave = f"/admin/activity/waiting-list/{soon.id}/leave/{offered.id}"
    assert panel.post(leave).status_code == 403
    panel.auth.logout()
    panel.sign_in(world.coordinator_33)
    page = panel.html(f"/admin/activity/details/?id={soon.id}")
    assert "proposition en cours" in page
    assert panel.post(leave).status_code == 302
    assert [e.status for e in _entries(session)] == [W.WITHDRAWN, W.OFFERED]
    # Another département's coordinator cannot reach the activity at all.
    panel.auth.logout()
    panel.sign_in(world.coordinator_24)
    assert (
        panel.post(f"/admin/activity/waiting-list/{soon.id}/leave/{waiting.id}").status_code == 404
    )
    assert text(panel.get(f"/admin/activity/details/?id={soon.id}")).count("Liste d'attente") == 0


def test_raising_the_capacity_serves_the_waiting_list_in_order(panel, world, session):
    activity = world.activity_33
    _fill(session, activity, activity.capacity)
    waiting = [builders.make_candidate(session, S.IN_PATHWAY) for _ in range(3)]
    for person in waiting:
        waiting_lists.join(session, person, activity, actor=None)
    session.commit()
    panel.sign_in(world.coordinator_33)
    form = {
        "step": str(activity.step_id), "title": activity.title,
        "date": f"{activity.date:%d/%m/%Y}", "start_time": "09:30", "end_time": "12:00",
        "place_name": activity.place_name, "address": activity.address or "",
        "commune": activity.commune_insee, "host_name": "", "host_siret": "",
        "capacity": str(activity.capacity + 2), "what_to_bring": "",
    }  # fmt: skip
    response = panel.post(f"/admin/activity/edit/?id={activity.id}", form)
    assert response.status_code == 302, text(response)
    entries = _entries(session)
    # Two more seats: the first two waiting are served (enrolled or offered), the third waits.
    assert [e.status for e in entries][2] == W.WAITING
    assert all(e.status in (W.ENROLLED, W.OFFERED) for e in entries[:2])
    session.refresh(activity)
    assert activity.seats_left == 0
