"""Staff sign-in (blueprint /auth/): hashed passwords, rate limits, a fresh session on sign-in,
ProConnect, forgotten passwords, the TOTP second factor."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__, url_prefix="/auth")


def init_app(app: Flask) -> None:
    from onboarding.auth import password, routes, totp  # noqa: F401  (routes attach to bp)
    from onboarding.extensions import login_manager

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(routes.load_user)
    app.register_blueprint(bp)
