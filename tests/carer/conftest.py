"""Carers (imported and born of the pathway), parents' requests to them, and a client that opens
the carer space with her own link."""

from datetime import date, datetime, time, timedelta

import pytest

from onboarding.carer.links import new_carer_link
from onboarding.pathway import carers, clock, notifications
from onboarding.pathway.models import Carer, CarerSource, Commune, ContactRequest
from onboarding.pathway.schedule import half_day_mask
from tests import builders
from tests.admin.conftest import panel  # noqa: F401  (a fixture of these tests too)
from tests.conftest import csrf_token_from
from tests.messages.conftest import sms_folder, smtp  # noqa: F401  (fixtures too)

PARIS_NOON = time(12, 0)


def make_imported_carer(session, *, commune: str = builders.BORDEAUX, **fields) -> Carer:
    """A carer from a PMI or RPE list: no candidate, no link yet."""
    place = session.get(Commune, commune)
    carer = Carer(
        source=CarerSource.IMPORTED,
        first_name=fields.pop("first_name", "Nadia"),
        last_name=fields.pop("last_name", "Benali"),
        email=fields.pop("email", "nadia@example.org"),
        phone=fields.pop("phone", None),
        commune_insee=commune,
        latitude=place.latitude,
        longitude=place.longitude,
        agrement_on=fields.pop("agrement_on", builders.TODAY - timedelta(days=800)),
        agrement_capacity=fields.pop("agrement_capacity", 3),
        training_part1_on=builders.TODAY - timedelta(days=700),
        **fields,
    )
    session.add(carer)
    session.flush()
    return carer


def add_place(session, carer: Carer, *, available_from: date | None = None, slots=("mon_am",)):
    return carers.add_vacancy(
        session, carer,
        carers.VacancyInput(
            available_from=available_from or builders.TODAY + timedelta(days=10),
            age_min_months=0, age_max_months=36, half_days=half_day_mask(list(slots)),
        ),
        today=builders.TODAY,
    )  # fmt: skip


def make_request(
    session, carer: Carer, *, parent: str = "Julie Parent", email: str | None = "julie@example.org",
    phone: str | None = None, received: datetime | None = None,
) -> ContactRequest:  # fmt: skip
    request = ContactRequest(
        carer=carer, parent_name=parent, email=email, phone=phone,
        commune_insee=builders.BORDEAUX, child_birth_date=date(2025, 9, 1),
        start_date=date(2026, 9, 1), half_days=half_day_mask(["mon_am", "tue_am"]), needs=1,
        message="Je reprends un emploi en septembre.", consent_at=clock.now(),
        consent_version="test", created_at=received or clock.now(),
    )  # fmt: skip
    session.add(request)
    session.flush()
    notifications.contact_requested(session, request)
    return request


class CarerSpace:
    """Requests to the carer space as a carer who opened her own link."""

    def __init__(self, client, session):
        self.client = client
        self.session = session

    def link(self, carer: Carer) -> str:
        url = new_carer_link(carer)
        self.session.commit()
        return url.removeprefix("http://localhost")

    def open(self, carer: Carer):
        response = self.client.get(self.link(carer))
        assert response.status_code == 302, response.status_code
        return self

    def post(self, url: str, data: dict | None = None, *, page: str = "/espace-assmat/"):
        token = csrf_token_from(self.client.get(page).get_data(as_text=True))
        return self.client.post(url, data={"csrf_token": token, **(data or {})})


@pytest.fixture
def carer_space(client, session) -> CarerSpace:
    return CarerSpace(client, session)


@pytest.fixture
def nadia(session) -> Carer:
    carer = make_imported_carer(session)
    session.commit()
    return carer
