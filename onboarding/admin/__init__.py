"""The coordinators' panel (Flask-Admin), built inside the factory so that each app has its own."""

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from onboarding.admin.security import DashboardView, use_the_apps_redirect_rule
from onboarding.admin.wording import correct_flask_admin_french
from onboarding.security import csp_nonce


def init_admin(app: Flask) -> Admin:
    use_the_apps_redirect_rule()
    correct_flask_admin_french()
    admin = Admin(
        app,
        name="Parcours Assmat",
        url="/admin",
        index_view=DashboardView(name="Tableau de bord", url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/staff_base.html", fluid=True),
        csp_nonce_generator=csp_nonce,
    )
    from onboarding.admin.views.activities import ActivityView
    from onboarding.admin.views.candidates import CandidateView
    from onboarding.admin.views.carers import CarerView, ContactRequestView, VacancyView
    from onboarding.admin.views.imports import ImportView
    from onboarding.admin.views.indicators import IndicatorsView
    from onboarding.admin.views.mams import MamView
    from onboarding.admin.views.messages import OutboxView
    from onboarding.admin.views.pre_registrations import PreRegistrationView
    from onboarding.admin.views.records import DecisionView, DossierItemView, EnrollmentView
    from onboarding.admin.views.referrals import ReferralView
    from onboarding.admin.views.rpe import RpePlacesView
    from onboarding.admin.views.staff import AuditLogView, PathwayStepView, StaffUserView
    from onboarding.admin.views.territories import TerritoryView

    for view in (
        CandidateView(),
        ActivityView(),
        EnrollmentView(),
        DossierItemView(),
        DecisionView(),
        CarerView(),
        VacancyView(),
        ContactRequestView(),
        ReferralView(),
        MamView(),
        RpePlacesView(
            name="Places au nom des assistantes maternelles", endpoint="rpe_places", url="relais"
        ),
        StaffUserView(),
        PathwayStepView(),
        TerritoryView(
            name="Parcours des territoires",
            endpoint="territories",
            url="territoires",
            category="Administration",
        ),
        AuditLogView(),
        OutboxView(),
        IndicatorsView(name="Indicateurs", endpoint="indicators", url="indicators"),
        PreRegistrationView(
            name="Demandes à qualifier", endpoint="pre_registrations", url="preinscriptions"
        ),
        ImportView(name="Importer", endpoint="imports", url="imports"),
    ):
        admin.add_view(view)
    app.extensions["onboarding_admin"] = admin
    return admin
