"""The pre-registration form of "Devenir assistant maternel": formats and lengths here, rules in
pathway.intake."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from onboarding.pathway.intake import MESSAGE_MAX
from onboarding.pathway.models import Situation
from onboarding.pathway.referral import NAME_MAX


def _required(label: str, message: str, maxlength: int) -> StringField:
    return StringField(
        label,
        validators=[
            DataRequired(message),
            Length(max=maxlength, message=f"{maxlength} caractères au plus."),
        ],
    )


class PreRegistrationForm(FlaskForm):
    first_name = _required("Prénom", "Indiquez votre prénom.", NAME_MAX)
    last_name = _required("Nom", "Indiquez votre nom.", NAME_MAX)
    email = StringField(
        "Adresse e-mail",
        validators=[Optional(), Length(max=254, message="254 caractères au plus.")],
    )
    phone = StringField(
        "Téléphone", validators=[Optional(), Length(max=20, message="20 caractères au plus.")]
    )
    commune = _required("Votre commune", "Indiquez votre commune ou votre code postal.", 120)
    situation = RadioField(
        "Votre situation aujourd'hui",
        choices=[(s.value, s.label) for s in Situation],
        validators=[InputRequired("Choisissez votre situation.")],
    )
    message = TextAreaField(
        "Votre projet en quelques mots",
        validators=[
            Optional(),
            Length(max=MESSAGE_MAX, message=f"{MESSAGE_MAX} caractères au plus."),
        ],
    )
    consent = BooleanField(
        "J'accepte que ces informations soient transmises à l'équipe Parcours Assmat de mon "
        "département (France Travail, Caf et partenaires) pour étudier ma demande et me "
        "recontacter."
    )
    # Left empty by people (hidden from them); bots that fill every field give themselves away.
    website = StringField(
        "Ne pas remplir ce champ", validators=[Length(max=200, message="Trop long.")]
    )
