"""Dates and times typed in the candidate space: the same input as the panel's, every spelling
it accepts stores the day meant, every other one says the format and stores nothing."""

from datetime import date, time

import pytest
from sqlalchemy import func, select

from onboarding.pathway.models import Vacancy
from tests.candidate.conftest import text
from tests.candidate.test_forms import _vacancy

# TODAY is 16 March 2026: 1 December 2026 is a place free in the future.
ACCEPTED = ["01/12/2026", "1/12/2026", "2026-12-01"]
REFUSED = ["12/31/2026", "31/02/2026", "demain", "01/12/26", "01.12.2026", ""]


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Vacancy))


@pytest.mark.parametrize("typed", ACCEPTED)
def test_a_place_is_free_from_the_day_typed(place, space, session, typed):
    space.open(place.approved)
    response = space.post(
        "/espace-assmat/places/nouvelle",
        _vacancy(available_from=typed, day_starts_at="7h30", day_ends_at="18:00"),
        page="/espace-assmat/places/nouvelle",
    )
    assert response.status_code == 302
    vacancy = session.scalar(select(Vacancy))
    assert vacancy.available_from == date(2026, 12, 1)
    assert (vacancy.day_starts_at, vacancy.day_ends_at) == (time(7, 30), time(18, 0))
    page = space.client.get(f"/espace-assmat/places/{vacancy.id}").get_data(as_text=True)
    assert 'value="01/12/2026"' in page
    assert 'value="07:30"' in page


@pytest.mark.parametrize("typed", REFUSED)
def test_another_spelling_says_the_format_and_stores_nothing(place, space, session, typed):
    space.open(place.approved)
    response = space.post(
        "/espace-assmat/places/nouvelle",
        _vacancy(available_from=typed),
        page="/espace-assmat/places/nouvelle",
    )
    assert response.status_code == 200
    assert "JJ/MM/AAAA" in text(response)
    assert _count(session) == 0


@pytest.mark.parametrize("typed", ["25:00", "07:30:00", "midi"])
def test_a_time_not_as_hh_mm_is_refused(place, space, session, typed):
    space.open(place.approved)
    response = space.post(
        "/espace-assmat/places/nouvelle",
        _vacancy(day_starts_at=typed),
        page="/espace-assmat/places/nouvelle",
    )
    assert "Heure invalide : utilisez le format HH:MM" in text(response)
    assert _count(session) == 0
