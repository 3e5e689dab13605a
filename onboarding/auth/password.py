"""Forgotten password: a link by email (the same answer for any address), then a new password."""

import logging

from flask import current_app, flash, redirect, render_template, request, url_for

from onboarding import mail
from onboarding.auth import bp
from onboarding.auth.forms import ForgottenPasswordForm, NewPasswordForm
from onboarding.extensions import db, limiter
from onboarding.pathway import password_reset
from onboarding.pathway.base import utcnow
from onboarding.pathway.staff import check_password, find_by_email
from onboarding.web_changes import apply

log = logging.getLogger(__name__)

# The same words whether the address has an account or not: nobody learns who has one.
LINK_SENT = (
    "Si un compte actif correspond à cette adresse, un message vient d'y être envoyé : "
    "suivez le lien qu'il contient dans les 30 minutes."
)
PASSWORD_CHANGED = "Votre mot de passe est changé. Connectez-vous avec le nouveau."


def reset_url(token: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("auth.reset_password", token=token, _external=False)


def _mail_body(url: str) -> str:
    return (
        "Bonjour,\n\n"
        "Quelqu'un (sans doute vous) a demandé à changer le mot de passe de votre compte "
        "de l'espace coordination Parcours Assmat.\n\n"
        f"Pour choisir un nouveau mot de passe, ouvrez ce lien dans les 30 minutes :\n{url}\n\n"
        "Le lien ne sert qu'une fois. Si vous n'avez rien demandé, ignorez ce message : "
        "votre mot de passe reste le même.\n\n"
        "Parcours Assmat – France Travail et Caf\n"
    )


def _account_key() -> str:
    return "reset:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["RESET_LIMIT_PER_ACCOUNT"], key_func=_account_key, methods=["POST"]
)
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        user = find_by_email(db.session, form.email.data.strip())
        if user is not None and user.is_active:
            token = password_reset.issue(user, secret_key=current_app.secret_key, now=utcnow())
            try:
                mail.send(
                    user.email,
                    "Changer votre mot de passe – Parcours Assmat",
                    _mail_body(reset_url(token)),
                )
            except mail.MailError:
                # Told to nobody: saying it would tell that the address has an account.
                log.warning("password reset mail not sent")
        flash(LINK_SENT, "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgotten_password.html", form=form)


@bp.route("/mot-de-passe/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_ADDRESS"], methods=["POST"])
def reset_password(token: str):
    try:
        user = password_reset.account_for(
            db.session, token, secret_key=current_app.secret_key, now=utcnow()
        )
    except password_reset.ResetRefused:
        flash(password_reset.EXPIRED, "error")
        return redirect(url_for("auth.forgotten_password"))
    form = NewPasswordForm()
    if form.validate_on_submit():

        def set_new_password():
            check_password(form.password.data)
            # A new hash and a new session version: this link and every session end.
            user.set_password(form.password.data)

        if apply(set_new_password, show=lambda error: form.password.errors.append(error.message)):
            flash(PASSWORD_CHANGED, "info")
            return redirect(url_for("auth.login"))
    return render_template("auth/new_password.html", form=form, token=token)
