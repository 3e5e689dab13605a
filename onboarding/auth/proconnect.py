"""Sign-in with ProConnect, the State's OpenID Connect federation for public agents.

Authlib runs the flow: discovery from PROCONNECT_ISSUER, the authorization code with state,
nonce and PKCE (S256), then the id_token checked against the provider's JWKS (signature,
issuer, audience, expiry, nonce). The account is found by the agent's email, never created.

Which email counts as verified: an explicit `email_verified: false` is always refused; a `true`
is accepted; when the claim is absent, as ProConnect sends it (ProConnect only federates
identity providers that verify their agents' addresses, and makes that guarantee itself), the
address is accepted when PROCONNECT_TRUST_EMAIL is true (the default), refused otherwise.
"""

import logging
from urllib.parse import urljoin

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, flash, redirect, session, url_for
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

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
# What can go wrong between the provider and us: each ends on REFUSED, none on a 500.
FLOW_ERRORS = (OAuthError, JoseError, requests.RequestException, ValueError)


def is_configured(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return all(config.get(name) for name in ("PROCONNECT_ISSUER", "PROCONNECT_CLIENT_ID",
                                              "PROCONNECT_CLIENT_SECRET"))  # fmt: skip


def _client():
    """The Authlib client for the current configuration, built once per app and configuration."""
    config = current_app.config
    issuer = config["PROCONNECT_ISSUER"].rstrip("/")
    key = (issuer, config["PROCONNECT_CLIENT_ID"], config["PROCONNECT_CLIENT_SECRET"])
    clients = current_app.extensions.setdefault("proconnect_clients", {})
    if key not in clients:
        oauth = OAuth()
        oauth.app = current_app._get_current_object()
        clients[key] = oauth.register(
            "proconnect",
            client_id=key[1],
            client_secret=key[2],
            server_metadata_url=urljoin(issuer + "/", ".well-known/openid-configuration"),
            client_kwargs={
                "scope": config["PROCONNECT_SCOPE"],
                "code_challenge_method": "S256",
                "timeout": 10,
            },
        )
    return clients[key]


def _callback_url() -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("auth.proconnect_callback")


def start(next_target: str | None):
    """Send the browser to ProConnect; Authlib keeps state, nonce and verifier in the session."""
    session[NEXT_KEY] = local_target(next_target) or ""
    try:
        return _client().authorize_redirect(_callback_url())
    except FLOW_ERRORS as error:
        log.warning("ProConnect discovery failed: %s", type(error).__name__)
        flash(REFUSED, "error")
        return redirect(url_for("auth.login"))


def _userinfo_claims(client, token: dict) -> dict:
    """The userinfo endpoint's claims: ProConnect signs them (application/jwt), others send JSON."""
    metadata = client.load_server_metadata()
    response = requests.get(
        metadata["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    )
    response.raise_for_status()
    if response.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        keys = KeySet.import_key_set(client.fetch_jwk_set())
        claims = jwt.decode(response.text, keys).claims
        issuer = current_app.config["PROCONNECT_ISSUER"].rstrip("/")
        if claims.get("iss", issuer).rstrip("/") != issuer:
            raise ValueError("userinfo issuer")
        return claims
    return response.json()


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
    client = _client()
    issuer = current_app.config["PROCONNECT_ISSUER"].rstrip("/")
    try:
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [issuer, issuer + "/"]}}
        )
        claims = token.get("userinfo")
        if claims is None:
            raise OAuthError(description="no id_token")
        claims = dict(claims)
        if "email" not in claims:
            extra = _userinfo_claims(client, token)
            if extra.get("sub") != claims.get("sub"):
                raise ValueError("userinfo subject")
            claims.update(extra)
    except FLOW_ERRORS as error:
        log.warning("ProConnect sign-in refused: %s", type(error).__name__)
        raise SignInRefused(REFUSED) from None
    email = _verified_email(claims)
    if email is None:
        raise SignInRefused(UNVERIFIED)
    user = find_by_email(db.session, email)
    if user is None or not user.is_active:
        raise SignInRefused(NO_ACCOUNT)
    return user
