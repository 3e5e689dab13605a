"""Maisons d'assistants maternels: the record (name, address, commune) and who works there."""

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from onboarding.admin.base import ScopedAjaxLoader, StaffModelView, row_id
from onboarding.admin.scoping import carers_in_scope, communes_in_scope, covers, mams_in_scope
from onboarding.extensions import db
from onboarding.formatting import counted
from onboarding.pathway import mam as mams
from onboarding.pathway.errors import PathwayError
from onboarding.pathway.models import Carer, Commune, Mam
from onboarding.web_changes import apply, flashed


def _actor():
    return current_user._get_current_object()


def _members(view, context, model, name):
    return counted(len(model.carers), "assistante maternelle", "assistantes maternelles")


class MamView(StaffModelView):
    details_template = "admin/mam_details.html"
    column_list = ("name", "commune", "address", "carers")
    column_details_list = ("name", "address", "commune", "carers")
    column_labels = {"name": "Nom", "address": "Adresse", "commune": "Commune",
                     "carers": "Assistantes maternelles"}  # fmt: skip
    column_formatters = {"carers": _members}
    column_formatters_export = {"carers": lambda v, c, m, n: len(m.carers)}
    column_searchable_list = ("name",)
    form_columns = ("name", "address", "commune")

    def __init__(self):
        self.form_ajax_refs = {
            "commune": ScopedAjaxLoader(
                "commune", Commune, communes_in_scope,
                fields=["search_name", "insee_code", "postcodes"], page_size=15,
            ),
        }  # fmt: skip
        super().__init__(Mam, name="MAM", endpoint="mam")

    def scope_clause(self):
        return mams_in_scope()

    def on_model_change(self, form, model, is_created):
        if model.commune is None:
            raise PathwayError("Indiquez la commune de la MAM.")
        # The relationship is set by the form; the département follows the code.
        model.commune_insee = model.commune.insee_code
        if not covers(model.department_code):
            raise PathwayError("Cette commune n'est pas dans vos départements.")
        super().on_model_change(form, model, is_created)

    def render(self, template, **kwargs):
        if template == self.details_template and "model" in kwargs:
            kwargs["joinable"] = db.session.scalars(
                select(Carer)
                .where(
                    carers_in_scope(),
                    Carer.mam_id.is_(None),
                    Carer.department_code == kwargs["model"].department_code,
                )
                .order_by(Carer.last_name, Carer.first_name, Carer.id)
            ).all()
            kwargs["max_carers"] = mams.MAX_CARERS
            kwargs["max_children"] = mams.MAX_CHILDREN
        return super().render(template, **kwargs)

    def _carer_in_scope(self, carer_id: str | None) -> Carer | None:
        number = row_id(carer_id)
        if number is None:
            return None
        return db.session.scalar(select(Carer).where(Carer.id == number, carers_in_scope()))

    @expose("/<int:mam_id>/carers/add/", methods=("POST",))
    def add_carer_view(self, mam_id: int):
        mam = self.get_one(mam_id)
        carer = self._carer_in_scope(request.form.get("carer_id"))
        if carer is None:
            flash("Choisissez une assistante maternelle de vos départements.", "error")
        elif apply(lambda: mams.join(db.session, mam, carer, actor=_actor()), show=flashed()):
            flash(f"{carer} travaille désormais dans la MAM « {mam.name} ».", "success")
        return redirect(url_for(".details_view", id=mam.id))

    @expose("/<int:mam_id>/carers/remove/", methods=("POST",))
    def remove_carer_view(self, mam_id: int):
        mam = self.get_one(mam_id)
        carer = self._carer_in_scope(request.form.get("carer_id"))
        if carer is None or carer.mam_id != mam.id:
            flash("Cette assistante maternelle ne travaille pas dans cette MAM.", "error")
        elif apply(lambda: mams.leave(db.session, carer, actor=_actor()), show=flashed()):
            flash(f"{carer} ne travaille plus dans la MAM « {mam.name} ».", "success")
        return redirect(url_for(".details_view", id=mam.id))
