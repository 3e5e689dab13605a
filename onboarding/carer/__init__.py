"""The carer space (blueprint /espace-assmat/): for as long as she is a carer, her profile, her
places and the parents' requests. Opened by her own personal link, or by her candidate's link
when she came through the pathway."""

from flask import Blueprint, Flask

bp = Blueprint("carer_space", __name__, url_prefix="/espace-assmat")


def init_app(app: Flask) -> None:
    from onboarding.carer import requests, routes  # noqa: F401  (routes attach to bp)

    app.register_blueprint(bp)
