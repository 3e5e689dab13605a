"""Dates typed in the panel's forms: every accepted spelling stores the day meant, every refused
one says the format and changes nothing (01/12/2026 was once stored as 2001-12-20)."""

import re
from datetime import date, time

import pytest
from sqlalchemy import select

from onboarding.pathway import clock
from onboarding.pathway.models import Candidate, DossierItemStatus
from tests.admin.conftest import text
from tests.admin.test_candidates import VALID

DECEMBER_1 = date(2026, 12, 1)
ACCEPTED = ["01/12/2026", "1/12/2026", "2026-12-01", " 01/12/2026 "]
REFUSED = ["31/02/2026", "12/31/2026", "demain", "01/12/26", "2026/12/01", "01.12.2026",
           "1er décembre 2026"]  # fmt: skip
FORMAT = "Date invalide : utilisez le format JJ/MM/AAAA"


@pytest.fixture(autouse=True)
def in_late_december(app):
    """1 December 2026 is in the past, so that the domain accepts it."""
    with clock.frozen(date(2026, 12, 20)):
        yield


def _new_candidate(session):
    session.expire_all()
    return session.scalar(select(Candidate).where(Candidate.last_name == "Nouvelle"))


@pytest.mark.parametrize("typed", ACCEPTED)
def test_a_new_candidate_s_referral_date_is_the_day_typed(panel, world, session, typed):
    panel.sign_in(world.coordinator_33)
    response = panel.post("/admin/candidate/new/", {**VALID, "referred_on": typed})
    assert response.status_code == 302, text(response)
    candidate = _new_candidate(session)
    assert candidate.referred_on == DECEMBER_1
    assert candidate.cohort == "2026-12"


@pytest.mark.parametrize("typed", [*REFUSED, ""])
def test_a_referral_date_refused_says_the_format_and_stores_nothing(panel, world, session, typed):
    panel.sign_in(world.coordinator_33)
    response = panel.post("/admin/candidate/new/", {**VALID, "referred_on": typed})
    page = text(response)
    assert response.status_code == 200
    assert (FORMAT if typed else "Ce champ est requis") in page
    # What was typed comes back as typed, beside the expected format.
    assert f'value="{typed}"' in page
    assert "Format attendu : JJ/MM/AAAA" in page
    assert _new_candidate(session) is None


def test_the_form_shows_a_text_input_with_its_format_and_no_english_picker(panel, world):
    panel.sign_in(world.coordinator_33)
    page = panel.html("/admin/candidate/new/")
    assert "datepicker" not in page
    assert 'type="date"' not in page
    [tag] = re.findall(r'<input[^>]*name="referred_on"[^>]*>', page)
    assert 'type="text"' in tag
    assert 'aria-describedby="referred_on-format"' in tag
    assert '<small id="referred_on-format"' in page


@pytest.mark.parametrize("typed", ACCEPTED)
def test_a_dossier_piece_is_received_on_the_day_typed(panel, world, session, typed):
    item = world.candidate_33.dossier_items[0]
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/dossier_item/edit/?id={item.id}",
        {"status": "received", "received_on": typed, "note": ""},
    )
    assert response.status_code == 302
    session.refresh(item)
    assert (item.status, item.received_on) == (DossierItemStatus.RECEIVED, DECEMBER_1)
    # Shown back the French way.
    assert 'value="01/12/2026"' in panel.html(f"/admin/dossier_item/edit/?id={item.id}")


@pytest.mark.parametrize("typed", REFUSED)
def test_a_reception_date_refused_changes_nothing(panel, world, session, typed):
    item = world.candidate_33.dossier_items[0]
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/dossier_item/edit/?id={item.id}",
        {"status": "received", "received_on": typed, "note": ""},
    )
    assert response.status_code == 200
    assert FORMAT in text(response)
    session.refresh(item)
    assert (item.status, item.received_on) == (DossierItemStatus.MISSING, None)


@pytest.mark.parametrize("typed", ["01/12/2026", "2026-12-01"])
def test_a_transition_date_is_the_day_typed(panel, world, session, typed):
    candidate = world.candidate_33
    panel.sign_in(world.coordinator_33)
    panel.post(f"/admin/candidate/transition/{candidate.id}/withdraw",
               {"on": typed, "withdrawal_reason": "moved", "note": ""})  # fmt: skip
    session.refresh(candidate)
    assert candidate.status.value == "withdrawn"
    assert candidate.transitions[-1].effective_on == DECEMBER_1


@pytest.mark.parametrize("typed", ["12/31/2026", "demain"])
def test_a_transition_date_refused_changes_nothing(panel, world, session, typed):
    candidate = world.candidate_33
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/candidate/transition/{candidate.id}/withdraw",
        {"on": typed, "withdrawal_reason": "moved", "note": ""},
    )
    assert FORMAT in text(panel.get(response.headers["Location"]))
    session.refresh(candidate)
    assert candidate.status.value == "in_pathway"


def _activity_form(activity, **changes) -> dict:
    data = {
        "step": str(activity.step_id), "title": activity.title, "date": "01/12/2026",
        "start_time": "09:30", "end_time": "12:00", "place_name": activity.place_name,
        "address": activity.address or "", "commune": activity.commune_insee,
        "host_name": "", "host_siret": "", "capacity": str(activity.capacity),
        "what_to_bring": "",
    }  # fmt: skip
    return {**data, **changes}


@pytest.mark.parametrize(
    ("start", "expected"), [("09:30", time(9, 30)), ("9h30", time(9, 30)), ("9 h", time(9, 0))]
)
def test_an_activity_s_times_are_hours_and_minutes(panel, world, session, start, expected):
    activity = world.activity_33
    panel.sign_in(world.coordinator_33)
    url = f"/admin/activity/edit/?id={activity.id}"
    response = panel.post(url, _activity_form(activity, start_time=start))
    assert response.status_code == 302, text(response)
    session.refresh(activity)
    assert (activity.date, activity.start_time, activity.end_time) == (
        DECEMBER_1, expected, time(12, 0)
    )  # fmt: skip
    page = panel.html(url)
    assert f'value="{expected:%H:%M}"' in page
    assert "Format attendu : HH:MM" in page


@pytest.mark.parametrize("start", ["09:30:00", "25:00", "9.30"])
def test_an_activity_time_otherwise_typed_is_refused(panel, world, session, start):
    activity = world.activity_33
    before = (activity.date, activity.start_time)
    panel.sign_in(world.coordinator_33)
    response = panel.post(
        f"/admin/activity/edit/?id={activity.id}", _activity_form(activity, start_time=start)
    )
    assert response.status_code == 200
    assert "Heure invalide : utilisez le format HH:MM" in text(response)
    session.refresh(activity)
    assert (activity.date, activity.start_time) == before


def test_a_date_filter_reads_french_dates_in_a_plain_text_box(app, panel, world):
    from flask_admin.contrib.sqla.filters import DateBetweenFilter, DateGreaterFilter

    from onboarding.admin.base import StaffModelView
    from onboarding.pathway.models import Activity

    class DatedActivities(StaffModelView):
        column_list = ("title", "date")

        def __init__(self):
            self.column_filters = [
                DateGreaterFilter(Activity.date, "Date"),
                DateBetweenFilter(Activity.date, "Date"),
            ]
            super().__init__(Activity, name="Activités datées", endpoint="dated_activity")

    view = DatedActivities()
    app.extensions["onboarding_admin"].add_view(view)
    greater, between = view._filters
    assert greater.data_type is None  # no Flask-Admin picker
    assert greater.clean("01/12/2026") == DECEMBER_1
    assert not greater.validate("12/31/2026")
    assert between.clean("01/12/2026 au 31/12/2026") == [DECEMBER_1, date(2026, 12, 31)]
    assert not between.validate("31/12/2026 au 01/12/2026")

    panel.sign_in(world.admin)
    # world's activities: two on 26/03/2026, one on 13/03/2026.
    page = panel.html("/admin/dated_activity/?flt0_0=20/03/2026")
    assert "26/03/2026" in page
    assert "13/03/2026" not in page
    assert "(JJ/MM/AAAA)" in page  # beside the operation, in the filter menu
    page = panel.html("/admin/dated_activity/?flt0_1=10/03/2026 au 14/03/2026")
    assert "13/03/2026" in page
    assert "26/03/2026" not in page
    refused = panel.html("/admin/dated_activity/?flt0_0=03/20/2026")
    assert "26/03/2026" in refused  # the unreadable filter is ignored, and said so
    assert "13/03/2026" in refused
    assert "Valeur de filtre non valide : 03/20/2026" in refused


def test_a_parents_request_is_listed_on_its_day_in_paris(panel, world, session):
    """Sent at 00:30 in Paris on 16 March, which is still the 15th in UTC."""
    from datetime import UTC, datetime

    world.request_24.created_at = datetime(2026, 3, 15, 23, 30, tzinfo=UTC)
    session.commit()
    page = panel.sign_in(world.admin).html("/admin/contact_request/")
    assert "16/03/2026" in page
    assert "15/03/2026" not in page
