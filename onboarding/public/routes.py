"""The landing page, /healthz and the French error pages."""

from flask import render_template
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from onboarding.extensions import db
from onboarding.public import bp

ERRORS = {
    400: (
        "Requête invalide",
        "La demande n'a pas pu être comprise. Vérifiez le lien ou le formulaire.",
    ),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "La page que vous cherchez n'existe pas ou plus."),
    405: ("Action impossible", "Cette action n'est pas possible sur cette page."),
    429: (
        "Trop de tentatives",
        "Vous avez fait trop de tentatives en peu de temps. "
        "Patientez quelques minutes avant de réessayer.",
    ),
    500: (
        "Erreur du service",
        "Une erreur est survenue de notre côté. Réessayez dans quelques instants.",
    ),
    503: (
        "Service momentanément indisponible",
        "Le service est indisponible. Réessayez dans quelques instants.",
    ),
}


@bp.route("/")
def index():
    return render_template("public/index.html")


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok"}


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    title, message = ERRORS.get(code, ERRORS[500])
    return render_template("public/error.html", code=code, title=title, message=message), code


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
@bp.app_errorhandler(429)
@bp.app_errorhandler(500)
def error_page(error):
    return _error_page(error)
