"""The coordinators' panel (Flask-Admin), built inside the factory so that each app has its own."""

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from onboarding.admin.security import DashboardView


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name="Parcours Assmat",
        url="/admin",
        index_view=DashboardView(name="Tableau de bord", url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/staff_base.html", fluid=True),
    )
    app.extensions["onboarding_admin"] = admin
    return admin
