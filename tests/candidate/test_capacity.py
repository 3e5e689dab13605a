"""A carer's places never take more children at once than her agrément allows, counted per
half-day across her places: the candidate space refuses in French and stores nothing."""

from datetime import timedelta

from sqlalchemy import func, select

from onboarding.pathway.models import Vacancy
from tests.builders import TODAY
from tests.candidate.conftest import text


def _vacancy(half_days: list[str]) -> dict:
    return {"available_from": (TODAY + timedelta(days=30)).isoformat(), "age_min_months": "0",
            "age_max_months": "36", "half_days": half_days}  # fmt: skip


def _places(session) -> int:
    return session.scalar(select(func.count()).select_from(Vacancy))


def test_a_place_beyond_her_agrement_is_refused_per_half_day(place, space, session):
    place.approved.carer.agrement_capacity = 2
    session.commit()
    space.open(place.approved)
    for grid in (["mon_am", "mon_pm"], ["mon_am", "tue_am"]):
        response = space.post("/espace-assmat/places/nouvelle", _vacancy(grid),
                              page="/espace-assmat/places/nouvelle")  # fmt: skip
        assert response.status_code == 302

    refused = space.post("/espace-assmat/places/nouvelle", _vacancy(["mon_am", "wed_am"]),
                         page="/espace-assmat/places/nouvelle")  # fmt: skip

    assert refused.status_code == 200
    page = text(refused)
    assert (
        "Votre agrément vous autorise à accueillir 2 enfants en même temps : avec cette place, "
        "vous en proposeriez 3 à la fois (lundi matin)." in page
    )
    assert "Le formulaire n'est pas enregistré" in page
    assert _places(session) == 2
    # Another half-day still has room.
    accepted = space.post("/espace-assmat/places/nouvelle", _vacancy(["mon_pm", "wed_am"]),
                          page="/espace-assmat/places/nouvelle")  # fmt: skip
    assert accepted.status_code == 302
    assert _places(session) == 3
