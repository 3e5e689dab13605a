"""Staff second factor: TOTP codes (RFC 6238, pyotp) and single-use recovery codes.

A code is accepted within one 30-second step either side of now, and never twice (the last
step accepted is kept). Recovery codes are random (80 bits), shown once at enrolment and kept
only as SHA-256 digests; each opens one sign-in.
"""

import hashlib
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import RecoveryCode, StaffUser

ISSUER = "Parcours Assmat"
RECOVERY_CODE_COUNT = 10
WRONG_CODE = "Code incorrect ou déjà utilisé : saisissez le code à 6 chiffres affiché maintenant."
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(email: str, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _normalise(code: str) -> str:
    return "".join(char for char in (code or "").lower() if char.isalnum())


def _step_of(secret: str, code: str, now: datetime) -> int | None:
    """The time step a 6-digit code belongs to (now, or one step either side), else None."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_totp(user: StaffUser, code: str, now: datetime) -> bool:
    """Whether `code` is the user's current one and unused; accepting it uses it up."""
    code = _normalise(code)
    if not user.has_second_factor or len(code) != 6 or not code.isdigit():
        return False
    step = _step_of(user.totp_secret, code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def use_recovery_code(session: Session, user: StaffUser, code: str, now: datetime) -> bool:
    """Whether `code` is one of the user's unused recovery codes; it is then used up."""
    if not user.has_second_factor or len(_normalise(code)) != 16:
        return False
    row = session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.staff_user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return False
    row.used_at = now
    return True


def verify(session: Session, user: StaffUser, code: str, now: datetime) -> bool:
    """A TOTP code, or a recovery code."""
    return check_totp(user, code, now) or use_recovery_code(session, user, code, now)


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def enable(session: Session, user: StaffUser, secret: str, code: str, now: datetime) -> list[str]:
    """Turn the second factor on once the first code from the app is right; the new recovery
    codes, to show once (earlier ones are dropped)."""
    code = _normalise(code)
    step = _step_of(secret, code, now) if len(code) == 6 and code.isdigit() else None
    if step is None:
        raise RuleViolation(
            "Code incorrect : vérifiez l'heure de votre téléphone et saisissez le code affiché "
            "maintenant par l'application.",
            field="code",
        )
    user.totp_secret = secret
    user.totp_enabled_at = now
    user.totp_last_step = step
    user.recovery_codes.clear()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_codes.extend(RecoveryCode(code_hash=_digest(c)) for c in codes)
    session.flush()
    return codes


def disable(user: StaffUser) -> None:
    """Forget the second factor (a lost phone): the account signs in with its password alone."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes.clear()


def remaining_recovery_codes(user: StaffUser) -> int:
    return sum(1 for row in user.recovery_codes if row.used_at is None)
