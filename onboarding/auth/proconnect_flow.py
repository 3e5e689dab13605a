"""The ProConnect flow's Authlib, joserfc and requests side (onboarding.auth.proconnect): loaded at
the first ProConnect sign-in a process serves, rather than by every worker and command (about
18 MB and a tenth of a second)."""

from urllib.parse import urljoin

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

# What can go wrong between the provider and us: each ends on a refusal, none on a 500.
FLOW_ERRORS = (OAuthError, JoseError, requests.RequestException, ValueError)


def client():
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


def authorize_redirect(callback_url: str):
    """The redirection to the provider; Authlib keeps state, nonce and verifier in the session."""
    return client().authorize_redirect(callback_url)


def claims() -> dict:
    """The claims of the agent the provider sends back: the id_token's, completed by the
    userinfo endpoint's when they lack the email."""
    provider = client()
    issuer = current_app.config["PROCONNECT_ISSUER"].rstrip("/")
    token = provider.authorize_access_token(
        claims_options={"iss": {"essential": True, "values": [issuer, issuer + "/"]}}
    )
    found = token.get("userinfo")
    if found is None:
        raise OAuthError(description="no id_token")
    found = dict(found)
    if "email" not in found:
        extra = _userinfo_claims(provider, token)
        if extra.get("sub") != found.get("sub"):
            raise ValueError("userinfo subject")
        found.update(extra)
    return found


def _userinfo_claims(provider, token: dict) -> dict:
    """The userinfo endpoint's claims: ProConnect signs them (application/jwt), others send JSON."""
    metadata = provider.load_server_metadata()
    response = requests.get(
        metadata["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    )
    response.raise_for_status()
    if response.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        keys = KeySet.import_key_set(provider.fetch_jwk_set())
        signed = jwt.decode(response.text, keys).claims
        issuer = current_app.config["PROCONNECT_ISSUER"].rstrip("/")
        if signed.get("iss", issuer).rstrip("/") != issuer:
            raise ValueError("userinfo issuer")
        return signed
    return response.json()
