"""Sessions that end when left idle: staff and candidate sessions alike, checked on each request.

The session cookie carries when it was last used; a session unused for longer than its limit
(`STAFF_IDLE_MINUTES`, `CANDIDATE_IDLE_MINUTES`) is emptied before anything reads it. Ending
sessions server-side at once (sign-out, new password, new link…) is the version each session
holds: `StaffUser.login_id` and `Candidate.session_version`, compared on each request.
"""

import time

from flask import Flask, Response, current_app, request, session

LAST_SEEN = "last_seen"
# The stamp is rewritten at most once a minute, so that a page's assets do not each set a cookie.
STAMP_EVERY_SECONDS = 60


def _idle_limit_seconds() -> int | None:
    """The idle limit of the identity this session holds, None when it holds none."""
    if "_user_id" in session:
        return int(current_app.config["STAFF_IDLE_MINUTES"]) * 60
    if "candidate_id" in session:
        return int(current_app.config["CANDIDATE_IDLE_MINUTES"]) * 60
    return None


def _end_idle_session() -> None:
    if request.endpoint == "static":
        return
    limit = _idle_limit_seconds()
    if limit is None:
        return
    last_seen = session.get(LAST_SEEN)
    if not isinstance(last_seen, int) or time.time() - last_seen > limit:
        session.clear()


def _stamp(response: Response) -> Response:
    # Static files neither read nor rewrite the session (no cookie, no Vary: Cookie on them).
    if request.endpoint != "static" and _idle_limit_seconds() is not None:
        now = int(time.time())
        last_seen = session.get(LAST_SEEN)
        if not isinstance(last_seen, int) or now - last_seen >= STAMP_EVERY_SECONDS:
            session[LAST_SEEN] = now
    return response


def init_app(app: Flask) -> None:
    app.before_request(_end_idle_session)
    app.after_request(_stamp)
