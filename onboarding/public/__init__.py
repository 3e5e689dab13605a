"""Public pages (blueprint /): the landing page, health check and error pages."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from onboarding.public import routes  # noqa: E402, F401  (routes attach to bp)
