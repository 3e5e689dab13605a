"""A candidate reaches only their own data: anyone else's id in a URL or a form is a 404."""

from datetime import timedelta

from sqlalchemy import func, select

from onboarding.pathway import carers, enrollment
from onboarding.pathway.models import Attendance, Vacancy
from tests import builders


def _vacancy(session, carer):
    vacancy = carers.add_vacancy(
        session,
        carer,
        carers.VacancyInput(
            available_from=builders.TODAY + timedelta(days=5),
            age_min_months=0,
            age_max_months=36,
            half_days=0b11,
        ),
        today=builders.TODAY,
    )
    session.commit()
    return vacancy


def test_another_candidates_activity_is_a_404(place, space, session):
    only_theirs = builders.make_activity(
        session,
        place.other.enrollments[0].activity.step,
        on=builders.TODAY + timedelta(days=3),
    )
    theirs = enrollment.enroll(session, place.other, only_theirs, actor=None, today=builders.TODAY)
    session.commit()
    space.open(place.candidate)

    assert space.post(f"/candidat/activites/{only_theirs.id}/absence").status_code == 404
    assert space.client.get(f"/candidat/activites/{only_theirs.id}.ics").status_code == 404
    assert space.post("/candidat/activites/999999/absence").status_code == 404
    session.expire_all()
    assert theirs.attendance == Attendance.PENDING


def test_another_carers_place_is_a_404(place, space, session):
    theirs = _vacancy(session, place.other_approved.carer)
    space.open(place.approved)
    url = f"/espace-assmat/places/{theirs.id}"

    assert space.client.get(url).status_code == 404
    assert space.post(url, {"age_min_months": "0", "age_max_months": "1"}).status_code == 404
    assert space.post(f"{url}/supprimer").status_code == 404
    assert session.scalar(select(func.count()).select_from(Vacancy)) == 1
    session.expire_all()
    assert theirs.age_max_months == 36


def test_a_candidate_not_approved_cannot_touch_a_carers_place(place, space, session):
    theirs = _vacancy(session, place.approved.carer)
    space.open(place.candidate)

    assert space.client.get(f"/espace-assmat/places/{theirs.id}").status_code == 404
    assert space.post(f"/espace-assmat/places/{theirs.id}/supprimer").status_code == 404
    assert space.post("/espace-assmat/confirmer").status_code == 404
    session.expire_all()
    assert place.approved.carer.last_confirmed_on is None


def test_the_profile_form_changes_only_the_own_carer(place, space, session):
    space.open(place.approved)

    space.post(
        "/espace-assmat/profil",
        {
            "carer_id": str(place.other_approved.carer.id),
            "id": str(place.other_approved.carer.id),
            "is_published": "1",
            "consents": "y",
            "postcode": "33000",
            "show_email": "y",
        },
        page="/espace-assmat/",
    )

    session.expire_all()
    assert place.approved.carer.is_published is True
    assert place.other_approved.carer.is_published is False
