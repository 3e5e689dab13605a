"""The signed-in user's scope, as SQL clauses for each kind of row."""

from flask_login import current_user

from onboarding.pathway.models import Activity, Candidate, Carer, Commune, Mam, ParentReferral
from onboarding.pathway.scope import department_filter


def candidates_in_scope():
    return department_filter(current_user, Candidate.department_code)


def activities_in_scope():
    return department_filter(current_user, Activity.department_code)


def communes_in_scope():
    return department_filter(current_user, Commune.department_code)


def carers_in_scope():
    return department_filter(current_user, Carer.department_code)


def mams_in_scope():
    return department_filter(current_user, Mam.department_code)


def referrals_in_scope():
    """An adviser's referral belongs to the département of the parent's commune."""
    return department_filter(current_user, ParentReferral.department_code)


def signed_in() -> bool:
    """Views are built when the app starts, with nobody signed in."""
    return bool(current_user and current_user.is_authenticated)


def covers(department_code: str | None) -> bool:
    return current_user.covers_department(department_code)
