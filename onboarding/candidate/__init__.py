"""The candidate space (blueprint /candidat/): opened by a personal link, no password."""

import logging
import re

from flask import Blueprint, Flask

bp = Blueprint("candidate_space", __name__, url_prefix="/candidat")

# Paths that carry a key: a personal link, a staff password-reset link.
TOKEN_IN_PATH = re.compile(
    r"(/candidat/acces/|/espace-assmat/acces/|/auth/mot-de-passe/)[^\s\"'?]+"
)
# The servers' access logs, which print every request's path.
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


class HideAccessTokens(logging.Filter):
    """A personal link's token is a key to someone's space: masked before any log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(path in message for path in ("/candidat/acces/", "/espace-assmat/acces/",
                                            "/auth/mot-de-passe/")):  # fmt: skip
            record.msg = TOKEN_IN_PATH.sub(r"\1[lien masqué]", message)
            record.args = ()
        return True


HIDE_ACCESS_TOKENS = HideAccessTokens()


def init_app(app: Flask) -> None:
    from onboarding.candidate import renewal, routes  # noqa: F401  (routes attach to bp)

    app.register_blueprint(bp)
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if HIDE_ACCESS_TOKENS not in logger.filters:
            logger.addFilter(HIDE_ACCESS_TOKENS)
