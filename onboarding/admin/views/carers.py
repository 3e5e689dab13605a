"""Approved carers, their vacancies and availability sheet, and parents' contact requests."""

from flask import url_for
from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from onboarding.admin.base import StaffModelView
from onboarding.admin.forms import select_choices
from onboarding.admin.scoping import carers_in_scope
from onboarding.admin.views.carer_invitations import CarerInvitationMixin, WithoutAccessFilter
from onboarding.admin.views.carer_suspension import CarerSuspensionMixin
from onboarding.admin.views.printing import file_name, issuer, printed, require
from onboarding.documents import papers
from onboarding.extensions import db
from onboarding.formatting import counted, short_date
from onboarding.pathway import agrement, carers, contact, contact_answers, installation_bonus
from onboarding.pathway.clock import today
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import Carer, ContactOutcome, ContactRequest, Vacancy
from onboarding.pathway.outputs import Output
from onboarding.pathway.schedule import HALF_DAY_LABELS, half_day_names


def _vacancies(view, context, model, name):
    if not model.vacancies:
        return "Pas de place pour le moment"
    lines = [
        Markup("<li>À partir du {} · {} à {} mois · {}</li>").format(
            f"{v.available_from:%d/%m/%Y}", v.age_min_months, v.age_max_months,
            ", ".join(HALF_DAY_LABELS[n] for n in half_day_names(v.half_days)),
        )
        for v in model.vacancies
    ]  # fmt: skip
    return Markup("<ul class='mb-0'>{}</ul>").format(Markup("").join(lines))


def _confirmed(view, context, model, name):
    if model.last_confirmed_on is None:
        return Markup('<span class="badge badge-danger">jamais</span>')
    css = "badge-danger" if carers.is_stale(model, today()) else "badge-light"
    return Markup('<span class="badge {}">{}</span>').format(
        css, f"{model.last_confirmed_on:%d/%m/%Y}"
    )


def _validity(view, context, model, name):
    if model.agrement_expires_on is None:
        return "non renseignée"
    notice = agrement.expiry_notice(model, today())
    if notice:
        return Markup('<span class="badge badge-danger">expiré</span> {}').format(notice)
    return f"{model.agrement_expires_on:%d/%m/%Y}"


def _mam(view, context, model, name):
    if model.mam is None:
        return "Exerce à domicile"
    return Markup('<a href="{}">{}</a>').format(
        url_for("mam.details_view", id=model.mam.id), model.mam.name
    )


class BonusFilter(BaseSQLAFilter):
    """Carers who may claim the prime d'installation today and have not asked for it."""

    def __init__(self):
        super().__init__(
            Carer.id, "Prime d'installation",
            options=[("claimable", "peut la demander et ne l'a pas demandée")],
        )  # fmt: skip

    def apply(self, query, value, alias=None):
        return query.filter(installation_bonus.may_claim_clause(today()))

    def operation(self):
        return "est"


class AgrementFilter(BaseSQLAFilter):
    """Carers whose agrément expired: out of every public view."""

    def __init__(self):
        super().__init__(Carer.id, "Agrément", options=[("expired", "expiré")])

    def apply(self, query, value, alias=None):
        return query.filter(~agrement.agrement_in_force_clause(today()))

    def operation(self):
        return "est"


class UnansweredFilter(BaseSQLAFilter):
    """Requests nobody answered within 7 days (pathway.contact_answers' one rule)."""

    def __init__(self):
        super().__init__(
            ContactRequest.id, "Réponse", options=[("unanswered", "sans réponse depuis 7 jours")]
        )

    def apply(self, query, value, alias=None):
        return query.filter(contact_answers.unanswered_clause(today()))

    def operation(self):
        return "est"


class CarerView(CarerInvitationMixin, CarerSuspensionMixin, StaffModelView):
    allows_create = False
    details_template = "admin/carer_details.html"
    column_list = ("last_name", "first_name", "commune", "agrement_capacity", "is_published",
                   "last_confirmed_on", "vacancies")  # fmt: skip
    column_labels = {
        "last_name": "Nom", "first_name": "Prénom", "commune": "Commune",
        "agrement_capacity": "Enfants agréés", "is_published": "Publiée",
        "last_confirmed_on": "Disponibilités confirmées", "vacancies": "Places",
        "presentation": "Présentation", "show_address": "Adresse visible",
        "show_email": "E-mail visible", "show_phone": "Téléphone visible",
        "email": "E-mail", "phone": "Téléphone", "address": "Adresse",
        "agrement_on": "Agréée le",
        "agrement_expires_on": "Agrément valable jusqu'au",
        "first_child_on": "Premier enfant accueilli le",
        "bonus_requested_on": "Prime d'installation demandée le",
        "bonus_paid_on": "Prime d'installation versée le",
        "mam": "Maison d'assistants maternels (MAM)",
        "source": "Origine", "agrement_number": "Numéro d'agrément",
        "birth_name": "Nom de naissance", "birth_date": "Date de naissance",
        "mam_label": "MAM selon la liste importée",
    }  # fmt: skip
    column_details_list = ("last_name", "first_name", "birth_name", "birth_date", "source",
                           "agrement_number", "mam_label", "commune", "email", "phone", "address",
                           "agrement_capacity", "agrement_on", "is_published", "presentation",
                           "show_address", "show_email", "show_phone", "last_confirmed_on",
                           "vacancies", "agrement_expires_on", "first_child_on",
                           "bonus_requested_on", "bonus_paid_on", "mam", "invited_at",
                           "rpe_mandate_at")  # fmt: skip
    column_formatters = {
        "last_confirmed_on": _confirmed,
        "vacancies": lambda v, c, m, n: counted(len(m.vacancies), "place"),
    }
    column_formatters_detail = {
        "last_confirmed_on": _confirmed,
        "vacancies": _vacancies,
        "agrement_expires_on": _validity,
        "mam": _mam,
    }
    column_formatters_export = {"vacancies": lambda v, c, m, n: len(m.vacancies)}
    column_searchable_list = ("last_name", "first_name", "agrement_number")
    column_filters = [
        FilterEqual(Carer.department_code, "Département"),
        FilterEqual(Carer.is_published, "Publiée", options=[("1", "oui"), ("0", "non")]),
        BonusFilter(),
        AgrementFilter(),
        WithoutAccessFilter(),
    ]
    form_columns = ("email", "phone", "address", "presentation", "show_address", "show_email",
                    "show_phone")  # fmt: skip

    def __init__(self):
        super().__init__(Carer, name="Assistantes maternelles", endpoint="carer")

    def scope_clause(self):
        return carers_in_scope()

    def get_query(self):
        return super().get_query().options(selectinload(Carer.vacancies))

    def on_model_change(self, form, model, is_created):
        if not (model.show_email or model.show_phone):
            raise RuleViolation("L'e-mail ou le téléphone doit rester visible (art. R421-39).")
        super().on_model_change(form, model, is_created)

    @expose("/documents/<int:carer_id>/disponibilites.pdf")
    def availability_sheet_view(self, carer_id: int):
        """One document: partners in scope (an RPE) may print it for parents."""
        require(Output.DOCUMENT)
        carer = self.get_one(carer_id)
        by = issuer(carer.department_code)
        return printed(
            lambda: papers.availability_sheet(carer, by),
            file_name("disponibilites", carer.first_name, carer.last_name),
            url_for(".details_view", id=carer.id),
        )


def _grid(view, context, model, name):
    return ", ".join(HALF_DAY_LABELS[name] for name in half_day_names(model.half_days))


class VacancyView(StaffModelView):
    """Carers keep their places up to date from their own space; coordinators read them here."""

    allows_create = False
    allows_edit = False
    column_list = ("carer", "available_from", "age_min_months", "age_max_months", "half_days")
    column_labels = {
        "carer": "Assistante maternelle", "available_from": "Libre à partir du",
        "age_min_months": "Âge min. (mois)", "age_max_months": "Âge max. (mois)",
        "half_days": "Demi-journées",
    }  # fmt: skip
    column_formatters = {"half_days": _grid}
    column_formatters_export = column_formatters

    def __init__(self):
        super().__init__(Vacancy, name="Places disponibles", endpoint="vacancy")

    def scope_clause(self):
        return Vacancy.carer.has(carers_in_scope())


class ContactRequestView(StaffModelView):
    allows_create = False
    column_list = ("created_at", "carer", "parent_name", "commune", "start_date",
                   "is_job_seeker", "outcome", "carer_answer")  # fmt: skip
    column_labels = {
        "created_at": "Reçue le", "carer": "Assistante maternelle", "parent_name": "Parent",
        "commune": "Commune", "start_date": "Début souhaité", "is_job_seeker":
        "Demandeur d'emploi", "outcome": "Suite donnée", "outcome_on": "Date de la suite",
        "message": "Message", "email": "E-mail", "phone": "Téléphone",
        "referral": "Mise en relation accompagnée",
        "carer_answer": "Réponse de l'assistante maternelle", "answered_at": "Répondu le",
    }  # fmt: skip
    column_formatters = {
        "outcome": lambda v, c, m, n: m.outcome.label,
        "created_at": lambda v, c, m, n: short_date(m.created_at),
        "referral": lambda v, c, m, n: (
            f"Oui, par {m.referral.adviser or 'un compte supprimé'}" if m.referral else "Non"
        ),
        "carer_answer": lambda v, c, m, n: m.carer_answer.label if m.carer_answer else "aucune",
    }
    column_formatters_export = {"outcome": lambda v, c, m, n: m.outcome.label}
    column_default_sort = ("created_at", True)
    column_filters = [
        FilterEqual(ContactRequest.outcome, "Suite donnée", options=ContactOutcome.choices()),
        FilterEqual(ContactRequest.is_job_seeker, "Demandeur d'emploi",
                    options=[("1", "oui"), ("0", "non")]),
        UnansweredFilter(),
    ]  # fmt: skip
    form_columns = ("outcome",)
    form_choices = {"outcome": select_choices(ContactOutcome, blank=None)}

    def __init__(self, name="Demandes des parents", endpoint="contact_request"):
        super().__init__(ContactRequest, name=name, endpoint=endpoint)

    def scope_clause(self):
        return ContactRequest.carer.has(carers_in_scope())

    def on_model_change(self, form, model, is_created):
        # The domain dates the outcome, names who recorded it and audits it (once).
        contact.set_outcome(db.session, model, model.outcome,
                            by=current_user._get_current_object(), today=today())  # fmt: skip
