"""A new personal link without a coordinator: the person gives the email or mobile number on
file and the link is sent there. The page answers the same whatever was typed."""

from flask import current_app, render_template
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from onboarding.candidate import bp
from onboarding.extensions import db, limiter
from onboarding.pathway import access, notifications
from onboarding.pathway.identifiers import is_mobile_phone
from onboarding.pathway.models import Channel


class NewLinkForm(FlaskForm):
    contact = StringField(
        "Votre adresse e-mail ou votre numéro de téléphone portable",
        description="Celui que votre conseiller a enregistré, par exemple nom@exemple.fr "
        "ou 06 12 34 56 78.",
        validators=[
            DataRequired("Indiquez votre adresse e-mail ou votre numéro de portable."),
            Length(max=254, message="Trop long."),
        ],
    )


def new_link_page(page: str, sent_page: str, reached_at, send):
    """The form, then the same answer whatever was typed: each person reached (`reached_at`)
    is sent (`send(session, person, channel)`) a link where she can take it."""
    form = NewLinkForm()
    if not form.validate_on_submit():
        return render_template(page, form=form)
    typed = form.contact.data.strip()
    for person in reached_at(db.session, typed):
        if "@" in typed:
            channel = Channel.EMAIL
        elif is_mobile_phone(person.phone):
            channel = Channel.SMS
        elif person.email:
            channel = Channel.EMAIL  # a landline cannot take a text: her email on file
        else:
            continue
        send(db.session, person, channel)
    db.session.commit()
    return render_template(sent_page)


@bp.route("/nouveau-lien", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["NEW_LINK_LIMIT"], methods=["POST"])
def new_link():
    return new_link_page(
        "candidate/new_link.html", "candidate/new_link_sent.html",
        access.candidates_reached_at, notifications.access_link_requested,
    )  # fmt: skip
