"""create-user refuses bad input with a clear English message and creates nothing."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from onboarding.pathway.models import Role, StaffUser


def _count(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(StaffUser))


def test_help_lists_the_project_commands(tmp_path):
    env = {**os.environ, "ONBOARDING_ENV": "testing", "SECRET_KEY": "x"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'help.sqlite'}"
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "onboarding", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    for command in ("db", "create-user", "seed-demo"):
        assert f"\n  {command} " in result.stdout


def test_creates_a_coordinator_with_departements(runner, session):
    result = runner.invoke(
        args=["create-user", "Anne@Example.org", "--role", "coordinator", "--departments",
              "33, 24", "--password", "twelve chars ok"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = session.scalar(select(StaffUser))
    assert user.email == "Anne@example.org"
    assert user.role == Role.COORDINATOR
    assert user.department_codes == ("24", "33")
    assert user.check_password("twelve chars ok")
    assert "Created coordinator" in result.output


def test_admin_needs_no_departements_and_password_is_prompted(runner, session):
    result = runner.invoke(
        args=["create-user", "root@example.org", "--role", "admin"],
        input="a long password\na long password\n",
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(StaffUser))
    assert user.is_admin
    assert user.department_codes == ()
    assert user.check_password("a long password")
    assert "a long password" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x@example.org", "--role", "boss", "--departments", "33"], "'boss' is not one of"),
        (["x@example.org", "--role", "coordinator", "--departments", "33,99"], "99"),
        (["x@example.org", "--role", "coordinator", "--departments", "20"], "unknown département"),
        (["x@example.org", "--role", "partner"], "needs --departments"),
        (["not-an-email", "--role", "admin"], "not a valid email"),
        (["x@example.org", "--role", "admin", "--password", "short"], "at least 12"),
    ],
)
def test_refuses_bad_input_and_creates_nothing(runner, session, args, message):
    result = runner.invoke(
        args=[
            "create-user",
            *args,
            *(["--password", "long enough pass"] if "--password" not in args else []),
        ]
    )
    assert result.exit_code != 0
    assert message in result.output
    assert _count(session) == 0


def test_refuses_a_duplicate_email_whatever_its_case(runner, session):
    first = ["create-user", "dup@example.org", "--role", "admin", "--password", "long enough pass"]
    assert runner.invoke(args=first).exit_code == 0
    again = ["create-user", "DUP@example.org", "--role", "admin", "--password", "another password"]
    result = runner.invoke(args=again)
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert _count(session) == 1


def test_prompted_password_too_short_is_refused(runner, session):
    result = runner.invoke(
        args=["create-user", "short@example.org", "--role", "admin"], input="short\nshort\n"
    )
    assert result.exit_code != 0
    assert "at least 12" in result.output
    assert _count(session) == 0
