"""Staff accounts: role, départements covered, password length, one account per e-mail."""

import pytest
from sqlalchemy import func, select

from onboarding.pathway import staff
from onboarding.pathway.errors import DuplicateError, RuleViolation
from onboarding.pathway.models import Role, StaffUser

PASSWORD = "douze caractères"


def _users(session) -> int:
    return session.scalar(select(func.count()).select_from(StaffUser))


def test_create_a_coordinator_over_two_departements(session):
    user = staff.create_staff_user(
        session, email=" Coord@Example.ORG ", role="coordinator", password=PASSWORD,
        departments="33, 24,33", full_name="  Claire Dupont ",
    )  # fmt: skip
    assert user.id is not None
    assert (user.email, user.role, user.full_name) == (
        "Coord@example.org",
        Role.COORDINATOR,
        "Claire Dupont",
    )
    assert user.departments == "24,33"
    assert user.department_codes == ("24", "33")
    assert user.covers_department("33")
    assert not user.covers_department("47")
    assert user.password_hash != PASSWORD
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "!")
    assert not user.is_admin
    assert not user.is_read_only


def test_an_admin_covers_every_departement_whatever_was_typed(session):
    user = staff.create_staff_user(
        session, email="admin@example.org", role=Role.ADMIN, password=PASSWORD, departments="33"
    )
    assert user.departments == ""
    assert user.is_admin
    assert user.covers_department("974")
    assert user.covers_department(None)


def test_a_partner_is_read_only(session):
    user = staff.create_staff_user(
        session, email="pmi@example.org", role=Role.PARTNER, password=PASSWORD, departments=["2a"]
    )
    assert user.is_read_only
    assert user.department_codes == ("2A",)


def test_password_of_exactly_twelve_characters_accepted_eleven_refused():
    staff.check_password("x" * 12)
    with pytest.raises(RuleViolation, match="au moins 12 caractères") as refused:
        staff.check_password("x" * 11)
    assert refused.value.field == "password"


def test_parse_departments_as_people_type_them():
    assert staff.parse_departments(" 33, 1 ,2b,, 974") == ["01", "2B", "33", "974"]
    assert staff.parse_departments(["24", "24"]) == ["24"]
    assert staff.parse_departments("") == []
    with pytest.raises(RuleViolation, match="Code de département inconnu : 20, 99") as refused:
        staff.parse_departments("33, 99, 20")
    assert refused.value.field == "departments"


def test_staff_creation_refusals(session):
    staff.create_staff_user(
        session,
        email="coord33@example.org",
        role="coordinator",
        password=PASSWORD,
        departments="33",
    )
    refusals = [
        ({"role": "director"}, RuleViolation, "role", "Rôle inconnu"),
        ({"departments": ""}, RuleViolation, "departments", "couvre au moins un département"),
        ({"departments": "33,20"}, RuleViolation, "departments", "inconnu : 20"),
        ({"password": "trop court"}, RuleViolation, "password", "au moins 12 caractères"),
        ({"email": "coord33@"}, RuleViolation, "email", "n'est pas valide"),
        # The same e-mail whatever its case.
        ({"email": "COORD33@EXAMPLE.ORG"}, DuplicateError, "email", "existe déjà"),
        ({"email": "Coord33@example.org"}, DuplicateError, "email", "existe déjà"),
    ]
    for changes, error, field, message in refusals:
        arguments = {
            "email": "new@example.org", "role": "partner", "password": PASSWORD,
            "departments": "33", **changes,
        }  # fmt: skip
        with pytest.raises(error, match=message) as refused:
            staff.create_staff_user(session, **arguments)
        assert refused.value.field == field, changes
    assert _users(session) == 1


def test_find_by_email_ignores_case(session):
    user = staff.create_staff_user(
        session, email="Claire@example.org", role="partner", password=PASSWORD, departments="33"
    )
    assert staff.find_by_email(session, "claire@EXAMPLE.org") == user
    assert staff.find_by_email(session, "other@example.org") is None


def test_a_new_password_ends_every_session(session):
    user = staff.create_staff_user(
        session, email="c@example.org", role="partner", password=PASSWORD, departments="33"
    )
    login_id = user.get_id()
    user.set_password("un autre mot de passe")
    assert user.get_id() != login_id
    assert user.check_password("un autre mot de passe")
