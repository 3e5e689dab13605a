"""The panel's small world over two départements, shared with the panel's tests, and what the
parents' search and the candidate space add to it: a carer parents can find, an activity the
candidate in pathway is enrolled in, a place offered by the approved candidate."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from onboarding.pathway import enrollment
from onboarding.pathway.models import PathwayStep, Vacancy
from onboarding.pathway.schedule import WORKING_WEEK
from tests import builders
from tests.admin.conftest import (
    World,
    world,  # noqa: F401  (a fixture, used by name)
)
from tests.api_contract import ContractClient
from tests.search.conftest import make_carer


@pytest.fixture
def fuzz_app(app):
    """The app answering a crash as production does (a 500), rather than raising it in the test."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


@pytest.fixture
def client(app):
    """The test client; every answer of the JSON API is checked against its OpenAPI document."""
    app.test_client_class = ContractClient
    return app.test_client()


@pytest.fixture
def hostile_world(world, session) -> World:  # noqa: F811
    world.public_carer = make_carer(session, first_name="Visible", last_name="Publiée")
    step = session.scalar(select(PathwayStep).limit(1))
    world.own_activity = builders.make_activity(
        session, step, on=builders.TODAY + timedelta(days=12), commune=builders.BORDEAUX
    )
    enrollment.enroll(
        session, world.candidate_33, world.own_activity, actor=None, today=builders.TODAY
    )
    world.own_vacancy = Vacancy(
        carer=world.approved_33.carer,
        available_from=builders.TODAY + timedelta(days=20),
        age_min_months=0,
        age_max_months=36,
        half_days=WORKING_WEEK,
    )
    session.add(world.own_vacancy)
    session.commit()
    return world
