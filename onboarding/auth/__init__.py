"""Staff sign-in (blueprint /auth/): hashed passwords, rate limits, a fresh session on sign-in,
ProConnect, forgotten passwords, the TOTP second factor."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__, url_prefix="/auth")


def init_app(app: Flask) -> None:
    from flask_login import current_user

    from onboarding.auth import password, routes, totp  # noqa: F401  (routes attach to bp)
    from onboarding.extensions import login_manager

    # Templates get the user as Flask-Login's proxy, loaded when a template asks for it: its
    # own context processor loads her (and checks the session's protection, a hash of the
    # client) before every page, the public ones included, which never ask.
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(routes.load_user)
    app.register_blueprint(bp)
