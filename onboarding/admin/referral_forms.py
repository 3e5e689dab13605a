"""The form of a mise en relation accompagnée: the parent, her status and her consent."""

from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from onboarding.admin.forms import PanelForm
from onboarding.pathway.referrals import CONSENT_TEXT
from onboarding.search.forms import MESSAGE_LENGTH, PHONE


class ParentReferralForm(PanelForm):
    parent_name = StringField(
        "Nom du parent",
        validators=[DataRequired("Indiquez le nom du parent."), Length(max=120)],
    )
    email = StringField(
        "Adresse e-mail du parent",
        validators=[Optional(), Length(max=254), Email("Adresse e-mail invalide.")],
    )
    phone = StringField(
        "Téléphone du parent",
        validators=[
            Optional(),
            Length(max=20),
            Regexp(PHONE, message="Numéro de téléphone invalide (par exemple 06 12 34 56 78)."),
        ],
    )
    is_job_seeker = RadioField(
        "Le parent est-il demandeur d'emploi ?",
        choices=[("oui", "Oui"), ("non", "Non")],
        default="oui",
    )
    france_travail_id = StringField(
        "Identifiant France Travail (facultatif)", validators=[Optional(), Length(max=14)]
    )
    message = TextAreaField(
        "Message aux assistantes maternelles (facultatif)",
        validators=[Optional(), Length(max=MESSAGE_LENGTH)],
    )
    consent = BooleanField(CONSENT_TEXT)
