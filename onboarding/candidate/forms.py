"""The candidate space's forms: CSRF and parsing here, French messages; the rules are the
domain's (onboarding.pathway), which names the field a refusal is about."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token."""


class ContactForm(FlaskForm):
    email = StringField("Adresse e-mail", validators=[Length(max=254, message="Trop long.")])
    phone = StringField("Téléphone", validators=[Length(max=30, message="Trop long.")])
    address = TextAreaField("Adresse postale", validators=[Length(max=400, message="Trop long.")])
