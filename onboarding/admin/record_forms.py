"""Forms of the pathway records kept from the candidate page: PMSMP conventions, training,
agrément renewal, prime d'installation, and the written reasons of the programme's warnings."""

from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from onboarding.admin.forms import PanelForm, select_choices
from onboarding.fields import DATE_MESSAGE, FrenchDateField, FrenchHoursField
from onboarding.pathway.models import ImmersionPurpose
from onboarding.pathway.training import BLOCKS

REQUIRED = "Ce champ est obligatoire."


class ConventionForm(PanelForm):
    host_name = StringField(
        "Structure d'accueil (nom)", validators=[InputRequired(REQUIRED), Length(max=150)]
    )
    host_siret = StringField(
        "SIRET de la structure d'accueil (14 chiffres)",
        validators=[InputRequired(REQUIRED), Length(max=20)],
    )
    host_tutor = StringField(
        "Tuteur ou tutrice dans la structure", validators=[InputRequired(REQUIRED), Length(max=150)]
    )
    host_address = StringField(
        "Adresse du lieu d'immersion", validators=[InputRequired(REQUIRED), Length(max=200)]
    )
    prescriber = StringField(
        "Prescripteur (structure et conseiller)",
        validators=[InputRequired(REQUIRED), Length(max=150)],
    )
    purpose = SelectField(
        "Objet de l'immersion",
        choices=select_choices(ImmersionPurpose),
        validators=[InputRequired("Choisissez l'objet de l'immersion.")],
    )
    starts_on = FrenchDateField("Premier jour", validators=[InputRequired(DATE_MESSAGE)])
    ends_on = FrenchDateField("Dernier jour", validators=[InputRequired(DATE_MESSAGE)])
    renewal_of = SelectField(
        "Renouvellement de la convention", choices=[("", "Non, convention initiale")],
        validators=[Optional()],
    )  # fmt: skip


BLOCK_CHOICES = [("", "— sans bloc (deuxième partie) —")] + [
    (str(number), f"Bloc {number} – {title} (au moins {minimum} h)")
    for number, (title, minimum) in BLOCKS.items()
]


class CourseForm(PanelForm):
    part = SelectField(
        "Partie de la formation",
        choices=[("1", "Première partie (80 h)"), ("2", "Deuxième partie (40 h)")],
        validators=[InputRequired("Choisissez la partie.")],
    )
    block = SelectField("Bloc (première partie)", choices=BLOCK_CHOICES, validators=[Optional()])
    hours = FrenchHoursField(
        "Heures suivies", validators=[InputRequired("Indiquez les heures suivies.")]
    )
    includes_first_aid = BooleanField("Dont les premiers secours (bloc 1)")
    completed_on = FrenchDateField(
        "Date de fin de la session", validators=[InputRequired(DATE_MESSAGE)]
    )
    provider = StringField("Organisme de formation", validators=[Optional(), Length(max=200)])


class TrainingSessionForm(CourseForm):
    candidate_ids = SelectMultipleField("Personnes présentes", choices=[], validate_choice=False)


class EvaluationForm(PanelForm):
    result = SelectField(
        "Résultat de l'évaluation",
        choices=[("", "— choisir —"), ("passed", "Réussie"), ("failed", "Non réussie")],
        validators=[InputRequired("Choisissez le résultat de l'évaluation.")],
    )
    completed_on = FrenchDateField("Date de l'évaluation", validators=[InputRequired(DATE_MESSAGE)])


class DateForm(PanelForm):
    """One date: a renewal request received, the prime asked for or paid."""

    on = FrenchDateField("Date", validators=[InputRequired(DATE_MESSAGE)])


class RenewalDecisionForm(PanelForm):
    decided_on = FrenchDateField("Date de la décision", validators=[InputRequired(DATE_MESSAGE)])
    outcome = SelectField(
        "Décision",
        choices=[("", "— choisir —"), ("granted", "Renouvellement accordé"),
                 ("refused", "Renouvellement refusé")],
        validators=[InputRequired("Choisissez la décision.")],
    )  # fmt: skip
    capacity = IntegerField(
        "Nombre d'enfants accueillis simultanément",
        validators=[Optional(), NumberRange(1, 4, "De 1 à 4 enfants.")],
    )
    has_cap_aepe_units = BooleanField("Unités EP1 et EP3 du CAP AEPE obtenues (validité 10 ans)")
    reason = TextAreaField("Motivation écrite", validators=[Optional(), Length(max=2000)])


class ReasonForm(PanelForm):
    """The written reason asked when steps of the pathway are not done."""

    reason = TextAreaField("Motif", validators=[Optional(), Length(max=2000)])
