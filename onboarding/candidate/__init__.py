"""The candidate space (blueprint /candidat/): opened by a personal link, no password."""

from flask import Blueprint, Flask

bp = Blueprint("candidate_space", __name__, url_prefix="/candidat")


def init_app(app: Flask) -> None:
    from onboarding.candidate import renewal, routes  # noqa: F401  (routes attach to bp)

    app.register_blueprint(bp)
