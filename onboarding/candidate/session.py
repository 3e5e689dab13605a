"""The candidate of this browser's session, as her personal link opened it: read by the
candidate space and by the carer space (a carer born of the pathway reaches hers from it); and
what both spaces do alike to their answers."""

from flask import Response, session
from flask_login import current_user

from onboarding.extensions import db
from onboarding.pathway import access
from onboarding.pathway.models import Candidate

SESSION_KEYS = ("candidate_id", "candidate_link", "candidate_session")


def session_candidate() -> Candidate | None:
    """The candidate of this session, re-checked on every request: a new link revokes it."""
    if current_user.is_authenticated:
        # A staff session is never a candidate's: the two do not mix.
        return None
    candidate_id = session.get("candidate_id")
    if not isinstance(candidate_id, int):
        return None
    candidate = db.session.get(Candidate, candidate_id)
    if not access.session_is_current(
        candidate, session.get("candidate_link"), session.get("candidate_session")
    ):
        return None
    return candidate


def private(response: Response) -> Response:
    """Personal data: kept by no cache; and no page tells another site where it came from."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def link_refused(response: Response) -> bool:
    """Only a refused link opening counts against the address's limit."""
    return response.status_code != 302
