"""What staff may see: admins everything, others the départements they cover."""

from sqlalchemy import select

from onboarding.pathway.models import Candidate, Role, StaffUser
from onboarding.pathway.scope import department_filter
from tests import builders


def _visible_departments(session, user: StaffUser) -> list[str]:
    query = select(Candidate.department_code).where(
        department_filter(user, Candidate.department_code)
    )
    return sorted(session.scalars(query))


def test_department_filter_by_role_and_departements(session):
    for commune in (builders.BORDEAUX, builders.PERIGUEUX, "2A004", "97411"):
        builders.make_candidate(session, commune=commune)
    admin = StaffUser(role=Role.ADMIN, departments="")
    coordinator = StaffUser(role=Role.COORDINATOR, departments="33,974")
    partner = StaffUser(role=Role.PARTNER, departments="24")
    nobody = StaffUser(role=Role.COORDINATOR, departments="")
    assert _visible_departments(session, admin) == ["24", "2A", "33", "974"]
    assert _visible_departments(session, coordinator) == ["33", "974"]
    assert _visible_departments(session, partner) == ["24"]
    # A non-admin account covering no département sees nothing, not everything.
    assert _visible_departments(session, nobody) == []
