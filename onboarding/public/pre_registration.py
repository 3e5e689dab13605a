"""The public page "Devenir assistant maternel" and its pre-registration form."""

import logging

from flask import current_app, redirect, render_template, request, url_for

from onboarding.extensions import db, limiter
from onboarding.pathway import commune_search, intake
from onboarding.pathway.errors import RuleViolation
from onboarding.public import bp
from onboarding.public.forms import PreRegistrationForm
from onboarding.web_changes import apply, beside_field

log = logging.getLogger(__name__)


def _limit() -> str:
    return current_app.config["PRE_REGISTRATION_LIMIT_PER_ADDRESS"]


@bp.route("/devenir-assistant-maternel", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def pre_registration():
    form = PreRegistrationForm()
    if request.method == "GET":
        return _page(form)
    valid = form.validate_on_submit()
    if form.website.data:
        # A bot: it sees what a person sees after sending, and nothing is kept.
        log.info("pre-registration honeypot filled; request dropped")
        return redirect(url_for(".pre_registration_sent"))
    commune = None
    if form.commune.data and not form.commune.errors:
        try:
            commune = commune_search.the_one(db.session, form.commune.data)
        except RuleViolation as refusal:
            form.commune.errors.append(refusal.message)
    if not valid or commune is None:
        return _page(form)
    data = intake.PreRegistrationInput(
        first_name=form.first_name.data,
        last_name=form.last_name.data,
        commune_insee=commune.insee_code,
        situation=form.situation.data,
        email=form.email.data,
        phone=form.phone.data,
        message=form.message.data or "",
        consent=bool(form.consent.data),
    )
    if apply(lambda: intake.pre_register(db.session, data), show=beside_field(form)):
        return redirect(url_for(".pre_registration_sent"))
    return _page(form)


def _page(form: PreRegistrationForm):
    return render_template("public/pre_registration.html", form=form)


@bp.route("/devenir-assistant-maternel/demande-envoyee")
def pre_registration_sent():
    return render_template("public/pre_registration_sent.html")
