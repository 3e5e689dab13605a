"""Who the carer space is for: the carer whose own link opened this session, or the carer row
of the candidate whose link did. Re-checked on every request (a new link revokes it)."""

from dataclasses import dataclass

from flask import session
from flask_login import current_user

from onboarding.candidate.session import session_candidate
from onboarding.extensions import db
from onboarding.pathway import access
from onboarding.pathway.models import Candidate, Carer

SESSION_KEYS = ("carer_id", "carer_link", "carer_session")


@dataclass(frozen=True)
class CarerSession:
    carer: Carer
    # Set when her candidate's link opened the session: the pathway space is hers too.
    candidate: Candidate | None = None

    @property
    def holder(self):
        """Whose link opened the session: signing out ends that holder's sessions."""
        return self.candidate or self.carer


def session_carer() -> CarerSession | None:
    if current_user.is_authenticated:
        return None  # a staff session is never a carer's
    carer_id = session.get("carer_id")
    if isinstance(carer_id, int):
        carer = db.session.get(Carer, carer_id)
        link, version = session.get("carer_link"), session.get("carer_session")
        if access.session_is_current(carer, link, version):
            return CarerSession(carer) if carer.withdrawn_on is None else None
        return None
    candidate = session_candidate()
    if candidate is None or candidate.carer_space is None:
        return None
    return CarerSession(candidate.carer_space, candidate)


def open_session(carer: Carer) -> None:
    # A fresh session: nothing from before (a staff sign-in, a candidate) survives.
    session.clear()
    session["carer_id"] = carer.id
    session["carer_link"] = carer.access_nonce
    session["carer_session"] = carer.session_version or 0
