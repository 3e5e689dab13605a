"""Where a redirect may go: the one rule for every target that comes from a request.

A target is followed only when it is a path on this site once read the way a browser reads it.
Browsers drop tabs and newlines anywhere in a URL, trim leading spaces and controls, read a
backslash as a slash, and a server or proxy may decode percent-encodings once more: so the value
is decoded until it no longer changes, and anything that could then name another host or scheme
(`//host`, `/\\host`, `https:host`, `javascript:`, a control or invisible character) is refused.
"""

import unicodedata
from urllib.parse import unquote, urlsplit

from werkzeug.urls import iri_to_uri

# Longer than any address of the app; a longer value is refused rather than read.
MAX_LENGTH = 2048
# Percent-encoding layers undone before giving up: nobody sends a target encoded more often.
MAX_DECODING = 4
# Unicode categories never accepted anywhere in a target: controls, format characters (bidi
# overrides, zero-width), surrogates, private use, unassigned, line and paragraph separators.
REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _fully_decoded(value: str) -> str | None:
    for _ in range(MAX_DECODING):
        decoded = unquote(value, errors="strict") if "%" in value else value
        if decoded == value:
            return value
        value = decoded
    return None


def _is_local_path(value: str) -> bool:
    if not value.startswith("/") or value[1:2] in ("/", "\\"):
        return False
    if "\\" in value:
        return False
    if any(unicodedata.category(char) in REFUSED_CATEGORIES for char in value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def local_target(raw: object, default: str | None = None) -> str | None:
    """`raw` when it is a path on this site (as an ASCII URI), else `default`."""
    if not isinstance(raw, str) or not raw or len(raw) > MAX_LENGTH:
        return default
    try:
        decoded = _fully_decoded(raw)
    except UnicodeDecodeError:
        return default
    if decoded is None or not _is_local_path(raw) or not _is_local_path(decoded):
        return default
    # Non-ASCII letters are percent-encoded so that the Location header is plain ASCII.
    return iri_to_uri(raw)
