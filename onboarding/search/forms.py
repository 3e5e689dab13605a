"""The contact form of a carer's page: formats and lengths here, rules in pathway.contact."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from onboarding.pathway.schedule import HALF_DAY_LABELS, HALF_DAYS, NEED_LABELS, NEEDS

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# 06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78
PHONE = r"^(?:\+33 ?|0)[1-9](?:[ .-]?\d{2}){4}$"
MESSAGE_LENGTH = 2000


class Choices(SelectMultipleField):
    """Several boxes to tick; a value that is not one of them is refused in French."""

    def pre_validate(self, form):
        known = {value for value, _ in self.choices}
        if any(value not in known for value in self.data or ()):
            raise ValidationError("Choix inconnu : cochez parmi les cases proposées.")


def _date_field(label: str, required: str) -> DateField:
    return DateField(
        label,
        format=DATE_FORMATS,
        validators=[InputRequired(required)],
    )


class ContactForm(FlaskForm):
    parent_name = StringField(
        "Votre nom",
        validators=[
            DataRequired("Indiquez votre nom."),
            Length(max=120, message="Le nom ne peut pas dépasser 120 caractères."),
        ],
    )
    email = StringField(
        "Adresse e-mail",
        validators=[
            Optional(),
            Length(max=254, message="L'adresse e-mail ne peut pas dépasser 254 caractères."),
            Email("Adresse e-mail invalide (par exemple nom@exemple.fr)."),
        ],
    )
    phone = StringField(
        "Téléphone",
        validators=[
            Optional(),
            Length(max=20, message="Le numéro ne peut pas dépasser 20 caractères."),
            Regexp(PHONE, message="Numéro de téléphone invalide (par exemple 06 12 34 56 78)."),
        ],
    )
    commune = StringField(
        "Votre commune",
        validators=[
            DataRequired("Indiquez votre commune ou votre code postal."),
            Length(max=120, message="La commune ne peut pas dépasser 120 caractères."),
        ],
    )
    child_birth_date = _date_field(
        "Date de naissance de l'enfant (ou date prévue)",
        "Indiquez la date de naissance (ou de naissance prévue) de l'enfant.",
    )
    start_date = _date_field("Début de l'accueil souhaité", "Indiquez la date de début souhaitée.")
    slots = Choices(
        "Demi-journées souhaitées", choices=[(name, HALF_DAY_LABELS[name]) for name in HALF_DAYS]
    )
    needs = Choices("Besoins particuliers", choices=[(name, NEED_LABELS[name]) for name in NEEDS])
    is_job_seeker = RadioField(
        "Êtes-vous demandeur ou demandeuse d'emploi ?",
        choices=[("oui", "Oui"), ("non", "Non")],
        validators=[InputRequired("Répondez par oui ou par non.")],
    )
    message = TextAreaField(
        "Votre message",
        validators=[
            Optional(),
            Length(
                max=MESSAGE_LENGTH,
                message=f"Le message ne peut pas dépasser {MESSAGE_LENGTH} caractères.",
            ),
        ],
    )
    consent = BooleanField(
        "J'accepte que ces informations soient transmises à l'assistante maternelle et à la "
        "coordination du département pour organiser la mise en relation."
    )
    # Left empty by people (hidden from them); bots that fill every field give themselves away.
    website = StringField(
        "Ne pas remplir ce champ", validators=[Length(max=200, message="Trop long.")]
    )
