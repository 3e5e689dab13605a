"""Parcours Assmat: from referral to agrément, then free places in front of parents."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from onboarding import access_logs, config, database, security, sessions, static_files
from onboarding.extensions import babel, csrf, db, limiter, migrate
from onboarding.templating import TestingUndefined


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(config.resource_folder("templates")),
        static_folder=str(config.resource_folder("static")),
    )
    config.load(app, test_config)
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    if app.config["ONBOARDING_ENV"] == "testing":
        app.jinja_env.undefined = TestingUndefined

    # The models first: their package registers the flush listeners, which import the domain.
    import onboarding.pathway.models  # noqa: F401
    from onboarding.pathway import situation, waiting_lists

    situation.configure(extended_training_departments=app.config["EXTENDED_TRAINING_DEPARTMENTS"])
    waiting_lists.configure(offer_hours=app.config["WAITING_LIST_OFFER_HOURS"])
    security.init_app(app)
    access_logs.init_app(app)
    static_files.init_app(app)
    sessions.init_app(app)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(config.resource_folder("migrations")))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=lambda: "fr", timezone_selector=lambda: "Europe/Paris")

    from onboarding import formatting

    formatting.init_app(app)

    from onboarding.auth import init_app as init_auth

    init_auth(app)

    from onboarding.public import bp as public_bp

    app.register_blueprint(public_bp)

    from onboarding.candidate import init_app as init_candidate
    from onboarding.carer import init_app as init_carer

    init_candidate(app)
    init_carer(app)

    from onboarding.search import bp as search_bp

    app.register_blueprint(search_bp)

    from onboarding.api import bp as api_bp

    app.register_blueprint(api_bp)

    from onboarding.admin import init_admin

    init_admin(app)

    from onboarding import cli

    cli.init_app(app)
    return app
