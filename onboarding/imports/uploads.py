"""Files uploaded to the panel's import, kept in the database between the dry run and the
confirmation (any worker may apply them), for their owner only, for a day at most."""

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from onboarding.pathway.base import utcnow
from onboarding.pathway.models import ImportKind, ImportUpload, StaffUser

KEPT_FOR = timedelta(days=1)


def keep(session: Session, user: StaffUser, kind: ImportKind, filename: str, data: bytes) -> str:
    """Keep the file; the token names it in the confirmation form. Older files are dropped."""
    session.execute(delete(ImportUpload).where(ImportUpload.created_at < utcnow() - KEPT_FOR))
    token = secrets.token_urlsafe(32)
    session.add(
        ImportUpload(
            token=token,
            kind=kind,
            filename=(filename or "fichier")[-200:],
            content=data,
            staff_user_id=user.id,
        )
    )
    return token


def find(session: Session, user: StaffUser, token: str) -> ImportUpload | None:
    """The user's own file under that token, while it is kept; None otherwise."""
    if not token or len(token) > 64:
        return None
    return session.scalar(
        select(ImportUpload).where(
            ImportUpload.token == token,
            ImportUpload.staff_user_id == user.id,
            ImportUpload.created_at >= utcnow() - KEPT_FOR,
        )
    )
