"""M'alerter: a parent leaves an email from a thin search, confirms it, and stops it in one
click (/recherche/alerte…). The rules are the domain's (onboarding/pathway/alerts.py)."""

from flask import current_app, render_template, request
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length

from onboarding.extensions import db, limiter
from onboarding.pathway import alerts
from onboarding.pathway.clock import now, today
from onboarding.search import bp
from onboarding.search.params import parse_search
from onboarding.web_changes import apply, unshown

# An alert is offered when a search finds fewer carers than this.
THIN = 5


class AlertForm(FlaskForm):
    email = StringField("Votre adresse e-mail", validators=[Length(max=254, message="Trop long.")])
    consent = BooleanField(
        "J'accepte de recevoir un e-mail quand une place correspond à ma recherche (une seule "
        "fois ; l'alerte et mon adresse sont effacées au plus tard dans 6 mois)."
    )
    # Left empty by people; filled by robots.
    website = StringField("Ne pas remplir ce champ", validators=[Length(max=200)])


class ActionForm(FlaskForm):
    """A button: its CSRF token only."""


@bp.route("/recherche/alerte", methods=["POST"])
@limiter.limit(lambda: current_app.config["CONTACT_LIMIT_PER_ADDRESS"], methods=["POST"])
def create_alert():
    form = AlertForm()
    query, errors = parse_search(request.form, today=today())
    if query is None or errors or not form.validate_on_submit():
        return render_template("search/alert.html", state="invalid"), 400
    if form.website.data:
        # A robot: answered as a person would be, nothing stored.
        return render_template("search/alert.html", state="created")
    done = apply(
        lambda: alerts.create_alert(
            db.session,
            alerts.AlertInput(form.email.data or "", bool(form.consent.data), query),
            now=now(),
        ),
        show=unshown,
    )
    if not done:
        message = done.refusal.message
        return render_template("search/alert.html", state="invalid", message=message), 400
    return render_template("search/alert.html", state="created")


@bp.route("/recherche/alerte/<token>/confirmer", methods=["GET", "POST"])
def confirm_alert(token: str):
    form = ActionForm()
    if request.method == "GET":
        return render_template("search/alert.html", state="confirm", form=form, token=token)
    if not form.validate_on_submit():
        return render_template("search/alert.html", state="invalid"), 400
    alert = alerts.confirm(db.session, token, now=now())
    db.session.commit()
    return render_template("search/alert.html", state="confirmed" if alert else "unknown")


@bp.route("/recherche/alerte/<token>/arreter", methods=["GET", "POST"])
def stop_alert(token: str):
    """The link in each message opens a page whose one button stops the alert."""
    form = ActionForm()
    if request.method == "GET":
        return render_template("search/alert.html", state="stop", form=form, token=token)
    if not form.validate_on_submit():
        return render_template("search/alert.html", state="invalid"), 400
    alerts.stop(db.session, token, now=now())
    db.session.commit()
    return render_template("search/alert.html", state="stopped")


def alert_context() -> dict:
    # The search page writes its alert form by hand (a FlaskForm made here was unused).
    return {"thin_results": THIN}
