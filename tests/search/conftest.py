"""Carers with places over real communes, for the search, the API and the contact form."""

from datetime import date, timedelta

import pytest

from onboarding.pathway.base import utcnow
from onboarding.pathway.models import Carer, Commune, Vacancy
from onboarding.pathway.schedule import WORKING_WEEK
from tests.api_contract import ContractClient
from tests.builders import BORDEAUX, TODAY

MERIGNAC = "33281"  # about 6 km west of Bordeaux
PESSAC = "33318"  # about 5.4 km south-west
LIBOURNE = "33243"  # about 27.7 km east
ARCACHON = "33009"  # about 55 km west
PERIGUEUX = "24322"


def make_carer(
    session,
    commune: str = BORDEAUX,
    *,
    first_name: str = "Camille",
    last_name: str = "Martin",
    published: bool = True,
    confirmed_on: date | None = TODAY - timedelta(days=10),
    agrement_on: date = TODAY - timedelta(days=400),
    agrement_expires_on: date | None = None,
    training_part1_on: date | None = date(2000, 1, 1),
    withdrawn_on: date | None = None,
    consented: bool | None = None,
    email: str | None = "carer@example.org",
    phone: str | None = "0556000000",
    address: str | None = "3 rue des Lilas",
    show_address: bool = False,
    vacancies: list[dict] | None = None,
) -> Carer:
    """A carer at the commune's point; `vacancies` as Vacancy fields (defaults: a working week,
    0 to 36 months, free today). Pass vacancies=[] for none. By default she is trained, her
    agrément runs its 5 years, and she consented to publication when published."""
    place = session.get(Commune, commune)
    consents = published if consented is None else consented
    carer = Carer(
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        address=address,
        commune_insee=commune,
        latitude=place.latitude,
        longitude=place.longitude,
        agrement_on=agrement_on,
        agrement_capacity=4,
        training_part1_on=training_part1_on,
        withdrawn_on=withdrawn_on,
        is_published=published,
        publication_consent_at=utcnow() if consents else None,
        publication_consent_version="2026-01" if consents else None,
        show_address=show_address,
        show_email=email is not None,
        show_phone=phone is not None or email is None,
        last_confirmed_on=confirmed_on,
    )
    if agrement_expires_on is not None:
        carer.agrement_expires_on = agrement_expires_on
    session.add(carer)
    for fields in [{}] if vacancies is None else vacancies:
        session.add(
            Vacancy(
                carer=carer,
                **{
                    "available_from": TODAY,
                    "age_min_months": 0,
                    "age_max_months": 36,
                    "half_days": WORKING_WEEK,
                    **fields,
                },
            )
        )
    session.flush()
    return carer


@pytest.fixture
def client(app):
    """The test client; every answer of the JSON API is checked against its OpenAPI document."""
    app.test_client_class = ContractClient
    return app.test_client()


@pytest.fixture
def carer_factory(session):
    def make(*args, **kwargs):
        return make_carer(session, *args, **kwargs)

    return make
