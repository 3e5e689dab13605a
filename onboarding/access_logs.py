"""What the servers' access logs may print of a request: its path and its parameters' names.

The development server (werkzeug) and gunicorn write a line per request with its URL, and
gunicorn its Referer too. Before a line is written, this module's filter masks:
- the key a path carries: a personal link (candidate, carer), a staff password-reset link, a
  parent's alert link (confirm or stop);
- every query parameter's value: a staff search (a name, an email, a phone number, a France
  Travail identifier), a parent's commune and child's birth date, ProConnect's sign-in code.
The parameters' names stay, so that a line still says which page and filters were asked for.
"""

import logging
import re

from flask import Flask

# Paths that carry a key in their next segment.
KEY_IN_PATH = re.compile(
    r"(/candidat/acces/|/espace-assmat/acces/|/auth/mot-de-passe/|/recherche/alerte/)"
    r"[^\s\"'?/]+"
)
# A query parameter's value, in a URL of the line (the request's or the Referer's).
QUERY_VALUE = re.compile(r"([?&][^=&\s\"'#]*)=[^&\s\"'#]*")
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


class HidePersonalData(logging.Filter):
    """Masks keys and query values in a request line before any handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = QUERY_VALUE.sub(r"\1=[masqué]", message) if "?" in message else message
        masked = KEY_IN_PATH.sub(r"\1[lien masqué]", masked)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


HIDE_PERSONAL_DATA = HidePersonalData()


def init_app(app: Flask) -> None:
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if HIDE_PERSONAL_DATA not in logger.filters:
            logger.addFilter(HIDE_PERSONAL_DATA)
