"""Parents' pages (blueprint /): the search at /recherche, a carer's page and contact form."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from onboarding.search import alerts, routes  # noqa: E402, F401  (routes attach to bp)
