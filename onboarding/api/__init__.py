"""The open JSON API (blueprint /api/v1/): the parents' search and commune suggestions."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from onboarding.api import routes  # noqa: E402, F401  (routes attach to bp)
