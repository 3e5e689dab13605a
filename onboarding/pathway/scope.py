"""What a staff user may see: admins everything, others the départements they cover."""

from sqlalchemy import ColumnElement, false, true

from onboarding.pathway.models import StaffUser


def departments_seen(user: StaffUser) -> tuple[str, ...] | None:
    """The départements a staff user sees, for the functions that take them (None: all)."""
    return None if user.is_admin else tuple(user.department_codes)


def department_filter(user: StaffUser, department_column) -> ColumnElement[bool]:
    """A WHERE clause restricting rows to the user's départements, on any table that has one."""
    if user.is_admin:
        return true()
    codes = user.department_codes
    if not codes:
        return false()
    return department_column.in_(codes)
