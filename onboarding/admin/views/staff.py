"""Admins only: staff accounts, the pathway's configurable steps, and the audit log."""

from flask_admin.contrib.sqla.filters import FilterEqual
from flask_login import current_user
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Optional

from onboarding.admin.base import StaffModelView
from onboarding.admin.forms import select_choices
from onboarding.admin.wording import field_names, object_choices, object_name
from onboarding.extensions import db
from onboarding.fields import HOURS_MESSAGE, FrenchHoursField
from onboarding.pathway import second_factor, staff
from onboarding.pathway.errors import PathwayError
from onboarding.pathway.models import (
    ActivityKind,
    AuditAction,
    AuditLog,
    PartnerKind,
    PathwayStep,
    Role,
    StaffUser,
)
from onboarding.web_changes import apply

ADMINISTRATION = "Administration"


def _partner_kind(role, typed: str | None) -> PartnerKind | None:
    """A partner's kind; other roles have none."""
    return PartnerKind(typed) if Role(role) == Role.PARTNER and typed else None


class AdminOnlyMixin:
    def is_accessible(self) -> bool:
        return super().is_accessible() and current_user.is_admin


class StaffUserView(AdminOnlyMixin, StaffModelView):
    column_list = ("email", "full_name", "role", "departments", "is_active", "last_login_at")
    column_labels = {
        "email": "E-mail", "full_name": "Nom", "role": "Rôle", "departments": "Départements",
        "is_active": "Actif", "last_login_at": "Dernière connexion",
    }  # fmt: skip
    column_formatters = {"role": lambda v, c, m, n: m.role.label}
    column_formatters_export = column_formatters
    column_searchable_list = ("email", "full_name")
    form_columns = ("email", "full_name", "phone", "role", "partner_kind", "departments",
                    "is_active", "new_password", "reset_second_factor")  # fmt: skip
    form_choices = {"role": select_choices(Role, blank=None)}
    form_extra_fields = {
        "new_password": PasswordField(
            "Mot de passe (12 caractères au moins ; vide pour le garder)",
            validators=[Optional()],
        ),
        "reset_second_factor": BooleanField(
            "Réinitialiser la double authentification (téléphone perdu)"
        ),
    }
    # A plain select: Flask-Admin's own blank option for a nullable column is an empty <option>.
    form_overrides = {"departments": StringField, "partner_kind": SelectField}
    form_args = {
        "departments": {"label": "Départements (ex. 33,24 ; vide pour un admin)"},
        "partner_kind": {
            "label": "Type de partenaire (un Relais Petite Enfance peut mettre à jour les places "
            "des assistantes maternelles qui l'acceptent)",
            "choices": select_choices(PartnerKind, blank="— pas un partenaire —"),
            "coerce": lambda value: getattr(value, "value", value) or "",
        },
    }  # fmt: skip

    def __init__(self):
        super().__init__(StaffUser, name="Comptes", endpoint="staff_user", category=ADMINISTRATION)

    def create_form(self, obj=None):
        form = super().create_form(obj)
        # A new account has no second factor to reset.
        del form.reset_second_factor
        return form

    def create_model(self, form):
        def create():
            user = staff.create_staff_user(
                db.session,
                email=form.email.data or "",
                role=form.role.data,
                password=form.new_password.data or "",
                departments=form.departments.data or "",
                full_name=form.full_name.data or "",
            )
            user.phone = staff.checked_phone(form.phone.data)
            user.partner_kind = _partner_kind(user.role, form.partner_kind.data)
            self._audit(
                AuditAction.CREATE, user,
                ["email", "role", "partner_kind", "departments", "full_name", "phone"],
            )  # fmt: skip
            return user

        done = apply(create)
        return done.value if done else False

    def update_model(self, form, model):
        def update():
            role = Role(form.role.data)
            codes = staff.parse_departments(form.departments.data or "")
            if role != Role.ADMIN and not codes:
                raise PathwayError(
                    "Un coordinateur ou un partenaire couvre au moins un département."
                )
            changed = []
            if form.new_password.data:
                staff.check_password(form.new_password.data)
                model.set_password(form.new_password.data)
                changed.append("password")
            if form.reset_second_factor.data and model.has_second_factor:
                second_factor.disable(model)
                changed.append("second_factor")
            values = {
                "full_name": (form.full_name.data or "").strip(),
                "phone": staff.checked_phone(form.phone.data),
                "role": role,
                "partner_kind": _partner_kind(role, form.partner_kind.data),
                "departments": "" if role == Role.ADMIN else ",".join(codes),
                "is_active": bool(form.is_active.data),
            }
            for name, value in values.items():
                if getattr(model, name) != value:
                    setattr(model, name, value)
                    changed.append(name)
            self._audit(AuditAction.UPDATE, model, changed)

        return bool(apply(update))


class PathwayStepView(AdminOnlyMixin, StaffModelView):
    column_list = ("position", "title", "kind", "is_mandatory", "required_sessions",
                   "required_hours", "is_active")  # fmt: skip
    column_labels = {
        "position": "Ordre", "title": "Étape", "kind": "Type", "is_mandatory": "Obligatoire",
        "required_sessions": "Séances requises", "required_hours": "Heures requises",
        "is_active": "Active", "description": "Description",
    }  # fmt: skip
    column_formatters = {"kind": lambda v, c, m, n: m.kind.label}
    column_default_sort = ("position", False)
    form_columns = ("position", "title", "kind", "description", "is_mandatory",
                    "required_sessions", "required_hours", "is_active")  # fmt: skip
    form_choices = {"kind": select_choices(ActivityKind, blank=None)}
    form_overrides = {"required_hours": FrenchHoursField}
    form_args = {"required_hours": {"validators": [InputRequired(HOURS_MESSAGE)]}}

    def __init__(self):
        super().__init__(
            PathwayStep,
            name="Étapes du parcours",
            endpoint="pathway_step",
            category=ADMINISTRATION,
        )

    def on_model_change(self, form, model, is_created):
        if (model.required_sessions or 0) < 0 or (model.required_hours or 0) < 0:
            raise PathwayError("Les séances et heures requises ne peuvent pas être négatives.")
        super().on_model_change(form, model, is_created)


class AuditLogView(AdminOnlyMixin, StaffModelView):
    allows_create = False
    allows_edit = False
    exportable = False
    column_list = ("created_at", "actor", "action", "object_type", "object_id", "fields")
    column_labels = {
        "created_at": "Date", "actor": "Par", "action": "Action", "object_type": "Objet",
        "object_id": "Identifiant", "fields": "Champs modifiés",
    }  # fmt: skip
    column_formatters = {
        "fields": lambda v, c, m, n: field_names(m.fields),
        "object_type": lambda v, c, m, n: object_name(m.object_type),
        "action": lambda v, c, m, n: AuditAction.label_of(m.action),
    }
    column_default_sort = ("id", True)
    column_filters = (
        FilterEqual(AuditLog.object_type, "Objet", options=object_choices),
        FilterEqual(AuditLog.action, "Action", options=AuditAction.choices()),
    )

    def __init__(self):
        super().__init__(AuditLog, name="Journal", endpoint="audit_log", category=ADMINISTRATION)
