"""The landing page, /healthz and the French error pages."""

from flask import current_app, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from onboarding.api import errors as api_errors
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
# A form sent from a page left open too long (its CSRF token expired, or the session ended).
EXPIRED_FORM = (
    "Formulaire expiré",
    "La page est restée ouverte trop longtemps : rien n'a été enregistré. Revenez en arrière, "
    "copiez ce que vous aviez écrit, rechargez la page puis envoyez à nouveau le formulaire.",
)


@bp.route("/")
def index():
    return render_template("public/index.html")


@bp.route("/mentions-legales")
def legal_notice():
    return render_template("public/legal_notice.html")


@bp.route("/donnees-personnelles")
def personal_data():
    config = current_app.config
    return render_template(
        "public/personal_data.html",
        withdrawn_months=config["RETENTION_WITHDRAWN_MONTHS"],
        contact_request_months=config["RETENTION_CONTACT_REQUEST_MONTHS"],
        pre_registration_months=config["RETENTION_PRE_REGISTRATION_MONTHS"],
    )


@bp.route("/accessibilite")
def accessibility():
    return render_template("public/accessibility.html")


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok"}


def wants_json() -> bool:
    """The API answers in JSON, and so does any client that asks for JSON rather than HTML."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(
    code: int,
    *,
    parameter: str | None = None,
    message: str | None = None,
    page: tuple[str, str] | None = None,
):
    """The French answer to an error: a page, or for the API (and clients asking for JSON) the
    API's error body. It never says more than this. A 400 may name the parameter at fault;
    `page` gives a page's own title and message."""
    title, default_message = page or ERRORS.get(code, ERRORS[500])
    if wants_json():
        message = message or default_message
        errors = {parameter: message} if code == 400 and parameter is not None else None
        return api_errors.error_response(code, message, errors=errors)
    body = render_template("public/error.html", code=code, title=title, message=default_message)
    return make_response(body, code)


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    code = error.code or 500
    if code < 400:
        return error
    if code not in ERRORS and code < 500:
        # Codes without a page of their own (413, 415…) read as a bad request.
        code = 400
    parameter = getattr(error, "parameter", None)
    message = error.description if parameter is not None else None
    page = EXPIRED_FORM if isinstance(error, CSRFError) else None
    response = error_response(code, parameter=parameter, message=message, page=page)
    if code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if code == 429 and getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(InterfaceError)
def database_unavailable(error):
    """The database does not answer: nothing of this request was committed; say so in French."""
    _rollback_quietly()
    current_app.logger.error("database unavailable: %s", type(error.orig or error).__name__)
    return error_response(503)


@bp.app_errorhandler(500)
def internal_error(error):
    _rollback_quietly()
    return error_response(500)


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        # The connection is gone; the pool drops it and the next request starts afresh.
        db.session.remove()
