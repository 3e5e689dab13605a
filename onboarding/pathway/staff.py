"""Staff accounts: who may sign in, with which role, over which départements."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from onboarding.pathway.errors import DuplicateError, RuleViolation
from onboarding.pathway.geography import is_department_code, normalize_department_code
from onboarding.pathway.identifiers import is_phone, normalize_phone
from onboarding.pathway.models import Role, StaffUser
from onboarding.pathway.referral import normalize_email

PASSWORD_MIN_LENGTH = 12


def parse_departments(raw: str | list[str] | tuple[str, ...]) -> list[str]:
    """ "33, 24" → ["24", "33"]; an unknown code is refused."""
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    codes = sorted({normalize_department_code(p) for p in parts if p.strip()})
    unknown = [code for code in codes if not is_department_code(code)]
    if unknown:
        raise RuleViolation(
            f"Code de département inconnu : {', '.join(unknown)}.", field="departments"
        )
    return codes


def check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise RuleViolation(
            f"Le mot de passe doit compter au moins {PASSWORD_MIN_LENGTH} caractères.",
            field="password",
        )


def find_by_email(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.lower()))


def create_staff_user(
    session: Session,
    *,
    email: str,
    role: Role | str,
    password: str,
    departments: str | list[str] = "",
    full_name: str = "",
) -> StaffUser:
    email = normalize_email(email)
    try:
        role = Role(role)
    except ValueError:
        raise RuleViolation("Rôle inconnu.", field="role") from None
    codes = parse_departments(departments)
    if role != Role.ADMIN and not codes:
        raise RuleViolation(
            "Un coordinateur ou un partenaire couvre au moins un département.", field="departments"
        )
    check_password(password)
    if find_by_email(session, email) is not None:
        raise DuplicateError("Un compte existe déjà avec cette adresse e-mail.", field="email")
    user = StaffUser(
        email=email,
        role=role,
        departments="" if role == Role.ADMIN else ",".join(codes),
        full_name=full_name.strip(),
    )
    user.set_password(password)
    session.add(user)
    session.flush()
    return user


def coordinators_of(session: Session, department_code: str) -> list[StaffUser]:
    """The active coordinators who cover that département."""
    users = session.scalars(
        select(StaffUser)
        .where(StaffUser.role == Role.COORDINATOR, StaffUser.is_active.is_(True))
        .order_by(StaffUser.id)
    )
    return [user for user in users if user.covers_department(department_code)]


def checked_phone(raw: str | None) -> str | None:
    """The phone number candidates may call, as typed; None when empty."""
    typed = (raw or "").strip()
    if not typed:
        return None
    if not is_phone(normalize_phone(typed)):
        raise RuleViolation(
            "Le numéro de téléphone n'est pas valide (par exemple 05 56 00 00 00).", field="phone"
        )
    return typed
