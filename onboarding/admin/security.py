"""Access to the panel: every view requires a signed-in, active staff user."""

import flask_admin.actions
import flask_admin.helpers
import flask_admin.model.base
from flask import abort, current_app, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

from onboarding.extensions import db
from onboarding.pathway import clock, indicators, workload
from onboarding.pathway.models import (
    CandidateStatus,
)
from onboarding.pathway.scope import departments_seen
from onboarding.redirects import local_target


def staff_signed_in() -> bool:
    return bool(current_user.is_authenticated and current_user.is_active)


def return_target(param_name: str = "url") -> str | None:
    """Flask-Admin's `?url=` return address, decided by the app's one redirect rule."""
    return local_target(request.values.get(param_name))


def use_the_apps_redirect_rule() -> None:
    """Flask-Admin reads `?url=` through its own check in several views and actions: every one
    of them is pointed at `return_target` (each module bound the name when it was imported)."""
    for module in (flask_admin.helpers, flask_admin.model.base, flask_admin.actions):
        module.get_redirect_target = return_target


def to_sign_in():
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


class SecuredViewMixin:
    """Shared by every view of the panel, index included (Flask-Admin leaves it open otherwise)."""

    def is_accessible(self) -> bool:
        return staff_signed_in()

    def inaccessible_callback(self, name, **kwargs):
        # Signed in but not allowed (an admins-only view): say so rather than ask to sign in.
        if staff_signed_in():
            abort(403)
        return to_sign_in()


def filtered_list(endpoint: str, **filters: str) -> str:
    """The URL of a panel list with filters given by their French names ("Statut"...)."""
    view = next(
        v for v in current_app.extensions["onboarding_admin"]._views if v.endpoint == endpoint
    )
    args = {}
    for position, (name, value) in enumerate(filters.items()):
        index = next(i for i, flt in enumerate(view._filters) if str(flt.name) == name)
        args[f"flt{position}_{view.get_filter_arg(index, view._filters[index])}"] = value
    return url_for(f"{endpoint}.index_view", **args)


def this_week(user, today):
    """The figures of "what needs me this week" for that staff user, each with the filtered list
    it stands for: the panel's home shows them, the Monday digest sends them."""
    figures = workload.workload(
        db.session,
        departments=departments_seen(user),
        me_id=user.id,
        today=today,
        answers_requests=not user.is_read_only,
    )
    S = CandidateStatus
    days = str(workload.HORIZON_DAYS)
    answers_requests = [] if user.is_read_only else [
        ("Demandes à qualifier (préinscriptions)", figures.pre_registrations_to_qualify,
         url_for("pre_registrations.index")),
    ]  # fmt: skip
    return figures, [
        (f"Échéances dépassées ou dans les {days} jours", figures.deadlines_soon,
         filtered_list("candidate", **{"Prochaine échéance": days})),
        ("dont échéances déjà dépassées", figures.deadlines_past,
         filtered_list("candidate", **{"Prochaine échéance": "overdue"})),
        ("Appels à faire (activités passées)", figures.roll_calls,
         filtered_list("activity", Appel="to_take", **{"Période": "all"})),
        ("Dossiers déposés, pièces manquantes", figures.dossiers_missing_pieces,
         filtered_list("candidate", Statut=S.DOSSIER_FILED.value,
                       **{"Pièces du dossier": "missing"})),
        ("Dossiers déposés, toutes pièces reçues : à déclarer complets",
         figures.dossiers_to_declare_complete,
         filtered_list("candidate", Statut=S.DOSSIER_FILED.value,
                       **{"Pièces du dossier": "complete"})),
        ("Dossiers complets en attente de décision", figures.dossiers_awaiting_decision,
         filtered_list("candidate", Statut=S.UNDER_EVALUATION.value)),
        ("Demandes des parents sans suite donnée", figures.requests_without_outcome,
         filtered_list("contact_request", **{"Suite donnée": "new"})),
        ("dont sans réponse depuis 7 jours", figures.requests_unanswered,
         filtered_list("contact_request", **{"Réponse": "unanswered"})),
        ("Absences excusées aux activités à venir", figures.excused_absences,
         filtered_list("enrollment", **{"Absence excusée": "1"})),
        *answers_requests,
    ]  # fmt: skip


class DashboardView(SecuredViewMixin, AdminIndexView):
    """The panel's home: what needs the signed-in user this week, each figure a link to its
    list; then people by status and the key figures of the indicators, in scope."""

    @expose("/")
    def index(self):
        departments = departments_seen(current_user)
        counts = workload.status_counts(db.session, departments=departments)
        rows = [(status, counts.get(status.value, 0)) for status in CandidateStatus]
        key_figures = indicators.key_figures(
            db.session, departments=departments, today=clock.today()
        )
        week, figures_this_week = this_week(current_user, clock.today())
        return self.render(
            "admin/dashboard.html",
            this_week=figures_this_week,
            my_candidates=week.my_candidates,
            my_candidates_url=filtered_list("candidate", **{"Mes candidats": "1"}),
            status_counts=rows,
            total=sum(count for _, count in rows),
            figures=key_figures,
        )
