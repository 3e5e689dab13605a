"""A carer's personal link to her own space: its URL, issued now (a new one revokes the last)."""

from flask import current_app

from onboarding.pathway import access
from onboarding.pathway.base import utcnow
from onboarding.pathway.models import Carer

PREFIX = "/espace-assmat"


def carer_access_url(token: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}{PREFIX}/acces/{token}"


def new_carer_link(carer: Carer) -> str:
    """A new link (earlier ones stop working); the caller commits."""
    token = access.issue_link(carer, secret_key=current_app.secret_key, now=utcnow())
    return carer_access_url(token)


def message_carer_link(carer: Carer) -> str:
    """The link a message carries (`access.link_for_message`); the caller commits."""
    return carer_access_url(access.link_for_message(carer, secret_key=current_app.secret_key))
