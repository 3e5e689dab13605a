"""Staff users: admins, coordinators and read-only partners, each scoped to départements."""

import secrets
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.base import NEVER_SET, NO_VALUE
from werkzeug.security import check_password_hash, generate_password_hash

from onboarding.pathway.base import Choice, Model, UTCDateTime, choice_column_type, utcnow


class Role(Choice):
    ADMIN = "admin", "Administrateur"
    COORDINATOR = "coordinator", "Coordinateur"
    PARTNER = "partner", "Partenaire (lecture seule)"


class PartnerKind(Choice):
    """Which kind of partner an account belongs to; only an RPE may change anything (a carer's
    places, on her recorded agreement: pathway.rpe)."""

    PMI = "pmi", "PMI"
    RPE = "rpe", "Relais Petite Enfance"
    TRAINING = "training", "Organisme de formation"
    OTHER = "other", "Autre partenaire"


# werkzeug's default (scrypt). Tests lower it to keep thousands of sign-ins fast.
PASSWORD_HASH_METHOD = "scrypt"


def new_login_id() -> str:
    return secrets.token_hex(16)


class StaffUser(Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(150), default="")
    # A number candidates may call, shown in their space and in their messages.
    phone: Mapped[str | None] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(choice_column_type(Role, "staff_role"))
    # For a partner: the organisation's kind (None for other roles, and older partner accounts).
    partner_kind: Mapped[PartnerKind | None] = mapped_column(
        choice_column_type(PartnerKind, "partner_kind")
    )
    # Comma-separated département codes ("33,24"); empty for admins, who see everything.
    departments: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The session version: what every session cookie of this user holds, checked on each
    # request. Changing it (sign-out, new password, deactivation, new role or départements)
    # ends every session of the user at once, server-side.
    login_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_login_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The second factor (TOTP, RFC 6238): its base32 secret once enrolled, and the last time
    # step accepted, so that one code never opens two sessions.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

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

    @property
    def is_rpe(self) -> bool:
        return self.role == Role.PARTNER and self.partner_kind == PartnerKind.RPE

    def covers_department(self, code: str | None) -> bool:
        return self.is_admin or (code is not None and code in self.department_codes)

    @property
    def has_second_factor(self) -> bool:
        return self.totp_secret is not None and self.totp_enabled_at is not None

    def end_sessions(self) -> None:
        """Every session of this user, in every browser, stops opening anything."""
        self.login_id = new_login_id()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)
        self.end_sessions()

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


class RecoveryCode(Model):
    """A one-time code that stands in for the second factor; only its SHA-256 is kept."""

    __tablename__ = "staff_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[StaffUser] = relationship(back_populates="recovery_codes")


def _access_changed(target: StaffUser, value, oldvalue, initiator) -> None:
    # active_history loads the old value first, so an expired row still compares; a new row
    # (no old value) has no session yet.
    if oldvalue not in (NO_VALUE, NEVER_SET) and value != oldvalue:
        target.end_sessions()


for _attribute in (StaffUser.role, StaffUser.departments, StaffUser.is_active):
    event.listen(_attribute, "set", _access_changed, active_history=True)
