"""Sign-in (password or ProConnect) and sign-out."""

from functools import cache

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from onboarding.auth import bp, proconnect, totp
from onboarding.auth.forms import LoginForm
from onboarding.extensions import db, limiter
from onboarding.pathway.base import utcnow
from onboarding.pathway.models import StaffUser
from onboarding.pathway.staff import find_by_email
from onboarding.redirects import local_target


@cache
def _stand_in() -> StaffUser:
    """Checked against when the email is unknown, so both failures take the same time. Made at
    the first such sign-in rather than when the module loads: a scrypt hash takes 0.1 s, which
    every process paid on start, `send-due` every minute included."""
    stand_in = StaffUser(email="", password_hash="")
    stand_in.set_password("an unknown account still costs one hash")
    return stand_in


FAILED_SIGN_IN = "Adresse e-mail ou mot de passe incorrect."


def load_user(login_id: str) -> StaffUser | None:
    return db.session.scalar(
        select(StaffUser).where(StaffUser.login_id == login_id, StaffUser.is_active.is_(True))
    )


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site, else the panel's home."""
    return local_target(target, url_for("admin.index"))


def _account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def _sign_in_failed(response) -> bool:
    # A successful sign-in redirects; only failures count against the limits.
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_sign_in_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_sign_in_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = find_by_email(db.session, form.email.data.strip())
        valid = (user or _stand_in()).check_password(form.password.data)
        if user is not None and valid and user.is_active:
            return complete_sign_in(user, form.next.data)
        flash(FAILED_SIGN_IN, "error")
        return _login_page(form), 200
    return _login_page(form)


def _login_page(form):
    return render_template(
        "auth/login.html",
        form=form,
        proconnect=proconnect.is_configured(),
    )


def complete_sign_in(user: StaffUser, next_target: str | None):
    """The account is proven (password or ProConnect): ask for its second factor when it has
    one (or must enrol one), else open its session and go on."""
    if user.has_second_factor or totp.must_enrol(user):
        return totp.ask_for_code(user, next_target)
    return open_session(user, next_target)


def open_session(user: StaffUser, next_target: str | None):
    # A fresh session: nothing from before sign-in survives (session fixation).
    session.clear()
    login_user(user)
    user.last_login_at = utcnow()
    db.session.commit()
    return redirect(safe_next(next_target))


@bp.route("/proconnect")
def proconnect_start():
    # A link, not a form: the CSP's form-action 'self' would stop a form's redirect to the
    # provider. Starting a flow changes nothing until the provider answers for this browser.
    if not proconnect.is_configured():
        abort(404)
    return proconnect.start(request.args.get("next"))


@bp.route("/proconnect/retour")
def proconnect_callback():
    if not proconnect.is_configured():
        abort(404)
    next_target = session.get(proconnect.NEXT_KEY)
    try:
        user = proconnect.finish()
    except proconnect.SignInRefused as refused:
        # Nothing of the attempt stays: no state, no session, only the reason.
        session.clear()
        flash(refused.message, "error")
        return redirect(url_for("auth.login"))
    return complete_sign_in(user, next_target)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        if current_user.is_authenticated:
            # Server-side: a copied cookie, or the panel open in another browser, ends too.
            current_user.end_sessions()
            db.session.commit()
        logout_user()
        session.clear()
        flash("Vous êtes déconnecté(e).", "info")
        return redirect(url_for("auth.login"))
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form)
