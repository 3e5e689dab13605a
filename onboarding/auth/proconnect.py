"""Sign-in with ProConnect, the State's OpenID Connect federation for public agents.

Authlib runs the flow: discovery from PROCONNECT_ISSUER, the authorization code with state,
nonce and PKCE (S256), then the id_token checked against the provider's JWKS (signature,
issuer, audience, expiry, nonce). The account is found by the agent's email, never created.

Which email counts as verified: an explicit `email_verified: false` is always refused; a `true`
is accepted; when the claim is absent, as ProConnect sends it (ProConnect only federates
identity providers that verify their agents' addresses, and makes that guarantee itself), the
address is accepted when PROCONNECT_TRUST_EMAIL is true (the default), refused otherwise.

Authlib's side lives in onboarding.auth.proconnect_flow, loaded at the first ProConnect sign-in.
"""

import logging

from flask import Flask, current_app, flash, redirect, session, url_for

from onboarding.extensions import db
from onboarding.pathway.staff import find_by_email
from onboarding.redirects import local_target

log = logging.getLogger(__name__)

NEXT_KEY = "proconnect_next"
REFUSED = (
    "La connexion avec ProConnect n'a pas abouti (réponse invalide ou expirée) : "
    "réessayez depuis la page de connexion."
)
UNVERIFIED = (
    "ProConnect ne garantit pas votre adresse e-mail : connectez-vous avec votre mot de passe, "
    "ou demandez à un administrateur."
)
NO_ACCOUNT = (
    "Aucun compte actif de l'espace coordination ne correspond à votre adresse e-mail "
    "ProConnect : demandez à un administrateur de votre territoire de vous en ouvrir un."
)


def is_configured(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return all(config.get(name) for name in ("PROCONNECT_ISSUER", "PROCONNECT_CLIENT_ID",
                                              "PROCONNECT_CLIENT_SECRET"))  # fmt: skip


def _callback_url() -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("auth.proconnect_callback")


def start(next_target: str | None):
    """Send the browser to ProConnect; Authlib keeps state, nonce and verifier in the session."""
    from onboarding.auth import proconnect_flow

    session[NEXT_KEY] = local_target(next_target) or ""
    try:
        return proconnect_flow.authorize_redirect(_callback_url())
    except proconnect_flow.FLOW_ERRORS as error:
        log.warning("ProConnect discovery failed: %s", type(error).__name__)
        flash(REFUSED, "error")
        return redirect(url_for("auth.login"))


def _verified_email(claims: dict) -> str | None:
    verified = claims.get("email_verified")
    if verified is False or (verified is None and not current_app.config["PROCONNECT_TRUST_EMAIL"]):
        return None
    if verified not in (True, None):
        return None
    email = claims.get("email")
    return email.strip() if isinstance(email, str) and email.strip() else None


class SignInRefused(Exception):
    """ProConnect's answer does not open a session; `message` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def finish():
    """The account ProConnect vouches for, or SignInRefused."""
    from onboarding.auth import proconnect_flow

    try:
        claims = proconnect_flow.claims()
    except proconnect_flow.FLOW_ERRORS as error:
        log.warning("ProConnect sign-in refused: %s", type(error).__name__)
        raise SignInRefused(REFUSED) from None
    email = _verified_email(claims)
    if email is None:
        raise SignInRefused(UNVERIFIED)
    user = find_by_email(db.session, email)
    if user is None or not user.is_active:
        raise SignInRefused(NO_ACCOUNT)
    return user
