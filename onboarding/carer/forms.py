"""The carer space's forms: CSRF and parsing here, French messages; the rules are the domain's
(onboarding.pathway), which names the field a refusal is about."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Optional

from onboarding.fields import DATE_MESSAGE, FrenchDateField, FrenchTimeField
from onboarding.pathway.models import CarerAnswer
from onboarding.pathway.schedule import HALF_DAY_LABELS, HALF_DAYS

NUMBER_MESSAGE = "Indiquez un nombre entier de mois (ex. 18)."


class MonthsField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(NUMBER_MESSAGE) from None


class ProfileForm(FlaskForm):
    is_published = RadioField(
        "Visibilité de votre profil",
        choices=[
            ("1", "Publié : les parents voient mon profil et mes places"),
            ("0", "Masqué : les parents ne voient pas mon profil"),
        ],
        validators=[InputRequired("Choisissez si votre profil est publié ou masqué.")],
    )
    consents = BooleanField(
        "J'accepte que mon identité, ma commune, mes places et les coordonnées que je choisis "
        "d'afficher soient publiées pour les parents (art. L421-3 du code de l'action sociale "
        "et des familles)."
    )
    presentation = TextAreaField("Courte présentation")
    postcode = StringField("Code postal de la commune où vous accueillez les enfants")
    commune_name = StringField("Nom de la commune")
    show_address = BooleanField("Afficher mon adresse")
    show_email = BooleanField("Afficher mon adresse e-mail")
    show_phone = BooleanField("Afficher mon numéro de téléphone")


class VacancyForm(FlaskForm):
    available_from = FrenchDateField(
        "Place libre à partir du", validators=[InputRequired(DATE_MESSAGE)]
    )
    age_min_months = MonthsField(
        "Âge minimum de l'enfant (en mois)", validators=[InputRequired(NUMBER_MESSAGE)]
    )
    age_max_months = MonthsField(
        "Âge maximum de l'enfant (en mois)", validators=[InputRequired(NUMBER_MESSAGE)]
    )
    half_days = SelectMultipleField(
        "Demi-journées d'accueil",
        choices=[(name, HALF_DAY_LABELS[name]) for name in HALF_DAYS],
        validate_choice=False,
    )
    day_starts_at = FrenchTimeField("Début de journée", validators=[Optional()])
    day_ends_at = FrenchTimeField("Fin de journée", validators=[Optional()])
    early = BooleanField("Avant 7 h")
    late = BooleanField("Après 19 h")
    night = BooleanField("La nuit")
    periscolaire = BooleanField("Périscolaire (avant et après l'école)")
    holidays = BooleanField("Vacances scolaires")
    emergency = BooleanField("Accueil d'urgence")
    disability = BooleanField("Enfant en situation de handicap")


class AnswerForm(FlaskForm):
    """Her answer to a parent's request: one button a value; the place filled when she has
    several (the domain asks for it)."""

    answer = StringField(validators=[AnyOf([a.value for a in CarerAnswer], "Réponse inconnue.")])
    vacancy = RadioField("Quelle place est pourvue ?", coerce=int, validate_choice=False,
                         validators=[Optional()])  # fmt: skip
