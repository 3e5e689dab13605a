"""HTTP hardening: security headers and a per-request CSP nonce on every response, debug refused
in production."""

import secrets
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from onboarding import static_files
from onboarding.config import ConfigurationError
from onboarding.pathway.base import MAX_ROW_ID

# Who may use which browser feature. Geolocation stays open to our own pages: the parents'
# search may offer "around me".
PERMISSIONS_POLICY = ", ".join(
    (
        "accelerometer=()",
        "camera=()",
        "geolocation=(self)",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "payment=()",
        "usb=()",
        "browsing-topics=()",
    )
)


# Where the nonce goes in the policy's text (`_policy_around_nonce`).
NONCE = "{nonce}"


def csp_nonce() -> str:
    """The nonce of this response, the same for every script and style tag of one page."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def tile_origin(url_template: str | None) -> str | None:
    """The origin of a map tile URL template ("https://{s}.tile.example/{z}/{x}/{y}.png")."""
    if not url_template:
        return None
    parts = urlsplit(url_template)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    host = parts.netloc.replace("{s}.", "*.")
    return f"{parts.scheme}://{host}"


def content_security_policy(nonce: str, *, tile_url: str | None) -> str:
    before, between, after = _policy_around_nonce(tile_url)
    return f"{before}{nonce}{between}{nonce}{after}"


@lru_cache(maxsize=8)
def _policy_around_nonce(tile_url: str | None) -> tuple[str, str, str]:
    """The policy's text split where the nonce goes (twice): written once per tile URL rather
    than on every response."""
    images = ["'self'", "data:"]
    origin = tile_origin(tile_url)
    if origin:
        images.append(origin)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{NONCE}'"],
        # Style attributes are refused too (no 'unsafe-inline'): our templates use classes, and
        # the scripts we load (Flask-Admin's, DSFR, Leaflet) style elements through the CSSOM.
        "style-src": ["'self'", f"'nonce-{NONCE}'"],
        "img-src": images,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
    policy = "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())
    before, between, after = policy.split(NONCE)
    return before, between, after


def _set_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(
        csp_nonce(), tile_url=_app_config("MAP_TILE_URL")
    )
    headers["X-Content-Type-Options"] = "nosniff"
    # A blueprint may ask for a stricter one (the candidate space: no-referrer).
    headers.setdefault("Referrer-Policy", "same-origin")
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    # For browsers that predate frame-ancestors.
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if _app_config("ONBOARDING_ENV") == "production":
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if not static_files.is_static(request.endpoint) and "Cache-Control" not in headers:
        # Pages may carry personal data: never kept by a shared cache.
        headers["Cache-Control"] = "no-store"
    return response


def _app_config(name: str):
    return current_app.config.get(name)


def refuse_debug_in_production(app: Flask) -> None:
    if app.config["ONBOARDING_ENV"] == "production" and (app.debug or app.config.get("DEBUG")):
        raise ConfigurationError(
            "Debug mode is on (FLASK_DEBUG or DEBUG) with ONBOARDING_ENV=production: the debugger "
            "runs code sent by anyone. Turn debug off."
        )


FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class NulCharacter(BadRequest):
    """A parameter or form field (its name or its value) holds a NUL character."""

    description = "Ce paramètre contient un caractère nul (U+0000), qui n'est pas accepté."

    def __init__(self, parameter: str):
        super().__init__()
        # Named without the NUL: an API error names the parameter at fault.
        self.parameter = parameter.replace("\x00", "")


def _nul_holder(values) -> str | None:
    for key, items in values.lists():
        if "\x00" in key or any("\x00" in v for v in items):
            return key
    return None


def refuse_nul_characters() -> None:
    """No text a person types holds a NUL character, and PostgreSQL can neither store nor compare
    one (the query fails): a parameter or form field carrying it is a 400, on every backend."""
    holder = _nul_holder(request.args)
    # Only these bodies are read as a form (request.form is empty otherwise): a GET's form is
    # not parsed for nothing.
    if holder is None and request.mimetype in FORM_TYPES:
        holder = _nul_holder(request.form)
    if holder is not None:
        raise NulCharacter(holder)


class RowNumber(IntegerConverter):
    """`<int:…>` in a route: a number a BIGINT holds, else no such page (404). Beyond it the
    SQLite driver overflows on the lookup (a 500) instead of finding nothing."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ROW_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    refuse_debug_in_production(app)
    # Before any route is added: a rule takes its converters when it is added.
    app.url_map.converters["int"] = RowNumber

    @app.before_request
    def _debug_switched_on_later():
        # app.run(debug=True) sets debug after create_app(): refuse to serve rather than expose it.
        refuse_debug_in_production(app)

    app.before_request(refuse_nul_characters)
    app.after_request(_set_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
