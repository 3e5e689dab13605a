"""Public pages (blueprint /): the landing page, "Devenir assistant maternel", health check and
error pages."""

from flask import Blueprint

bp = Blueprint("public", __name__)

# The routes attach to bp.
from onboarding.public import pre_registration, routes  # noqa: E402, F401
