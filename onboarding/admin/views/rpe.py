"""The Relais Petite Enfance's page: the carers of its départements who agreed that it updates
their places, and those places added, changed or closed on their behalf, through the same
domain functions as the carer's own (pathway.places), each change audited with the account."""

from flask import abort, flash, make_response, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from onboarding.admin.forms import PanelForm
from onboarding.admin.security import SecuredViewMixin
from onboarding.carer.routes import VACANCY_PAGE, own_vacancy, save_vacancy, vacancy_form
from onboarding.extensions import db
from onboarding.pathway import places, rpe
from onboarding.pathway.clock import today
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import Carer, Vacancy
from onboarding.pathway.schedule import HALF_DAY_LABELS, half_day_names
from onboarding.pathway.scope import department_filter
from onboarding.web_changes import apply


class RpePlacesView(SecuredViewMixin, BaseView):
    def is_accessible(self) -> bool:
        return super().is_accessible() and current_user.is_rpe

    def _carer(self, carer_id: int) -> Carer:
        """Her row, or the French refusal: another département, no agreement."""
        carer = db.session.get(Carer, carer_id)
        if carer is None:
            abort(404)
        try:
            rpe.check_may_act(current_user, carer)
        except RuleViolation as error:
            # The domain's French refusal, on a page of the panel.
            abort(make_response(self.render("admin/rpe_refused.html", message=error.message), 403))
        return carer

    @expose("/")
    def index(self):
        rows = db.session.scalars(
            select(Carer)
            .options(selectinload(Carer.vacancies), selectinload(Carer.commune))
            .where(
                department_filter(current_user, Carer.department_code),
                rpe.mandated_clause(),
                Carer.withdrawn_on.is_(None),
            )
            .order_by(Carer.last_name, Carer.first_name)
        ).all()
        return self.render("admin/rpe_places.html", rows=rows)

    @expose("/<int:carer_id>/")
    def carer_view(self, carer_id: int):
        carer = self._carer(carer_id)
        return self.render(
            "admin/rpe_carer.html", carer=carer, form=PanelForm(),
            grid=lambda v: ", ".join(HALF_DAY_LABELS[n] for n in half_day_names(v.half_days)),
        )  # fmt: skip

    def _edit(self, carer: Carer, vacancy: Vacancy | None):
        form = vacancy_form(vacancy)
        if save_vacancy(carer, vacancy, form, by=current_user._get_current_object()):
            flash(f"La place de {carer} est enregistrée.", "success")
            return redirect(url_for(".carer_view", carer_id=carer.id))
        return self.render(
            "admin/rpe_vacancy.html", carer=carer, form=form, vacancy=vacancy, today=today(),
            **VACANCY_PAGE,
        )  # fmt: skip

    @expose("/<int:carer_id>/places/nouvelle", methods=("GET", "POST"))
    def new_place_view(self, carer_id: int):
        return self._edit(self._carer(carer_id), None)

    @expose("/<int:carer_id>/places/<int:vacancy_id>", methods=("GET", "POST"))
    def edit_place_view(self, carer_id: int, vacancy_id: int):
        carer = self._carer(carer_id)
        return self._edit(carer, own_vacancy(carer, vacancy_id))

    @expose("/<int:carer_id>/places/<int:vacancy_id>/fermer", methods=("POST",))
    def close_place_view(self, carer_id: int, vacancy_id: int):
        carer = self._carer(carer_id)
        vacancy = own_vacancy(carer, vacancy_id)
        if not PanelForm(request.form).validate():
            abort(400)
        by = current_user._get_current_object()
        if apply(lambda: places.close_place(db.session, vacancy, by=by)):
            flash("La place est fermée : elle n'apparaît plus aux parents.", "success")
        return redirect(url_for(".carer_view", carer_id=carer.id))
