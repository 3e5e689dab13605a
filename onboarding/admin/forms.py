"""Forms of the panel's own screens: transitions, roll call, bulk actions."""

from flask_admin.babel import Translations as WTFormsTranslations
from flask_admin.babel import domain as admin_domain
from flask_admin.babel import gettext as admin_gettext
from flask_admin.model.fields import AjaxSelectField, AjaxSelectMultipleField
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import Select

from onboarding.fields import DATE_MESSAGE, FrenchDateField
from onboarding.pathway.models import WithdrawalReason


def select_choices(choice_enum, blank: str | None = "— choisir —") -> list[tuple[str, str]]:
    """A labelled enum as <option>s, with an empty first one unless blank is None."""
    first = [("", blank)] if blank is not None else []
    return first + choice_enum.choices()


class PanelTranslations(WTFormsTranslations):
    """Field messages in French from Flask-Admin's catalog first, then WTForms'."""

    def gettext(self, string: str) -> str:
        translated = admin_gettext(string)
        return translated if translated != string else super().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # The catalog's raw string: WTForms fills in %(max)d and the like itself (Flask-Babel's
        # ngettext would format it with `num` only, and fail on the other names).
        translated = admin_domain.get_translations().ngettext(singular, plural, n)
        if translated not in (singular, plural):
            return translated
        return super().ngettext(singular, plural, n)


class PanelForm(FlaskForm):
    """The base of the panel's model forms: Flask-WTF's CSRF token, French messages."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return PanelTranslations()

    def __init__(self, *args, obj=None, **kwargs):
        # Flask-Admin's uniqueness check reads the edited object from here.
        self._obj = obj
        super().__init__(*args, obj=obj, **kwargs)
        for field in self:
            if isinstance(field, AjaxSelectField | AjaxSelectMultipleField):
                # Flask-Admin's lookups render a hidden input, which the field's <label> cannot
                # name (the W3C checker refuses it); a text input kept out of sight until select2
                # takes its place (static/admin/panel.css) can.
                field.render_kw = {**(field.render_kw or {}), "type": "text"}
            elif (
                isinstance(field.widget, Select)
                and not field.widget.multiple
                and field.flags.required
            ):
                # HTML wants a required <select> to open on an empty placeholder, which lists of
                # steps or activities have not: the field says it is required through ARIA, and
                # its validator still refuses an empty value.
                field.render_kw = {
                    **(field.render_kw or {}), "required": False, "aria-required": "true"
                }  # fmt: skip


class TransitionForm(PanelForm):
    """Every input a transition may ask for; each transition uses its own few (INPUTS)."""

    on = FrenchDateField("Date", validators=[Optional()])
    decided_on = FrenchDateField("Date de la décision", validators=[Optional()])
    capacity = IntegerField(
        "Nombre d'enfants accueillis simultanément",
        validators=[Optional(), NumberRange(1, 4, "De 1 à 4 enfants.")],
    )
    reason = TextAreaField("Motivation écrite", validators=[Optional(), Length(max=2000)])
    withdrawal_reason = SelectField(
        "Motif de sortie",
        choices=select_choices(WithdrawalReason),
        validators=[Optional()],
    )
    note = TextAreaField("Précision", validators=[Optional(), Length(max=2000)])


# What each transition asks for, in the order shown.
INPUTS = {
    "start_pathway": ("on",),
    "file_dossier": ("on",),
    "declare_dossier_complete": ("on",),
    "grant": ("decided_on", "capacity", "reason"),
    "deem_granted": (),
    "refuse": ("decided_on", "reason"),
    "appeal": ("on",),
    "record_first_child": ("on",),
    "withdraw": ("on", "withdrawal_reason", "note"),
}
DATE_INPUTS = ("on", "decided_on")


class ActivityChoiceForm(PanelForm):
    """The second step of the "enrol in an activity" bulk action."""

    ids = HiddenField()
    activity_id = SelectField("Activité", coerce=str, validators=[InputRequired()])


class BulkWithdrawForm(PanelForm):
    ids = HiddenField()
    on = FrenchDateField("Date de sortie", validators=[InputRequired(DATE_MESSAGE)])
    withdrawal_reason = SelectField(
        "Motif de sortie",
        choices=select_choices(WithdrawalReason),
        validators=[InputRequired("Choisissez le motif de la sortie.")],
    )
    note = TextAreaField("Précision", validators=[Optional(), Length(max=2000)])
