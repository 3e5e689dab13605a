"""Staff users: admins, coordinators and read-only partners, each scoped to départements."""

import secrets
from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from onboarding.pathway.base import Choice, Model, UTCDateTime, choice_column_type, utcnow


class Role(Choice):
    ADMIN = "admin", "Administrateur"
    COORDINATOR = "coordinator", "Coordinateur"
    PARTNER = "partner", "Partenaire (lecture seule)"


# werkzeug's default (scrypt). Tests lower it to keep thousands of sign-ins fast.
PASSWORD_HASH_METHOD = "scrypt"


def new_login_id() -> str:
    return secrets.token_hex(16)


class StaffUser(Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(150), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(choice_column_type(Role, "staff_role"))
    # Comma-separated département codes ("33,24"); empty for admins, who see everything.
    departments: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # What the session cookie holds: changing it (new password, deactivation) ends every session.
    login_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_login_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<StaffUser {self.id} {self.role}>"

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def department_codes(self) -> tuple[str, ...]:
        return tuple(code for code in self.departments.split(",") if code)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.PARTNER

    def covers_department(self, code: str | None) -> bool:
        return self.is_admin or (code is not None and code in self.department_codes)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)
        self.login_id = new_login_id()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Flask-Login's protocol, written out so that the domain does not import Flask-Login.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.login_id
