"""Password reset for staff: a signed token, valid 30 minutes, that dies once used.

The token carries the account's id and a fingerprint of its password hash and session version
(`login_id`): setting a new password changes both, so the token opens nothing afterwards; so
does a sign-out or an access change in between. The secret and the moment are passed in.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from onboarding.pathway.access import ClockedSigner
from onboarding.pathway.models import StaffUser

VALIDITY = timedelta(minutes=30)
SALT = "staff-password-reset"

EXPIRED = (
    "Ce lien de réinitialisation n'est plus valable (il sert une seule fois, pendant 30 "
    "minutes) : demandez-en un nouveau."
)


class ResetRefused(Exception):
    """Expired, altered or already used: the visitor is told only to ask for a new link."""


def _fingerprint(user: StaffUser) -> str:
    material = f"{user.password_hash}\n{user.login_id}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def _serializer(secret_key: str, now: datetime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        secret_key, salt=SALT, signer=ClockedSigner, signer_kwargs={"now": now}
    )


def issue(user: StaffUser, *, secret_key: str, now: datetime) -> str:
    return _serializer(secret_key, now).dumps({"u": user.id, "f": _fingerprint(user)})


def account_for(session: Session, token: str, *, secret_key: str, now: datetime) -> StaffUser:
    """The active account a token may set the password of, or ResetRefused."""
    try:
        payload = _serializer(secret_key, now).loads(token, max_age=int(VALIDITY.total_seconds()))
    except BadSignature:
        raise ResetRefused from None
    if not (
        isinstance(payload, dict)
        and isinstance(payload.get("u"), int)
        and isinstance(payload.get("f"), str)
    ):
        raise ResetRefused
    user = session.get(StaffUser, payload["u"])
    if user is None or not user.is_active:
        raise ResetRefused
    if not hmac.compare_digest(_fingerprint(user), payload["f"]):
        raise ResetRefused
    return user
