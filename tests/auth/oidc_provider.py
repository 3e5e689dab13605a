"""A real OpenID Connect provider for the tests, served over HTTP on 127.0.0.1 in a thread.

It does what ProConnect does for a relying party: discovery, a JWKS, an authorization endpoint
that remembers the nonce and PKCE challenge, a token endpoint that checks the client's secret,
the code (once), the redirect URI and the PKCE verifier, then returns an id_token signed RS256
with a generated RSA key (joserfc), and a userinfo endpoint answering a signed JWT. Each
misbehaviour a test needs is a knob: another issuer, another signing key, other claims.
"""

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "parcours-assmat-test"
CLIENT_SECRET = "a-client-secret-for-tests"


@dataclass
class Knobs:
    """What the provider says about the agent, and how it misbehaves."""

    email: str = "coord33@example.org"
    email_verified: bool | None = True
    # The email in the id_token (True) or only from the userinfo endpoint, as ProConnect does.
    email_in_id_token: bool = True
    issuer_claim: str | None = None  # None: the provider's own issuer
    audience: str | None = None  # None: the client id
    expires_in: int = 300
    nonce: str | None = None  # None: the nonce the client sent
    sign_with_other_key: bool = False
    omit_id_token: bool = False
    extra_claims: dict = field(default_factory=dict)


class Provider:
    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "provider-key", "use": "sig"})
        # Same kid, another key: what a forged token signed by someone else looks like.
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "provider-key"})
        self.knobs = Knobs()
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.authorization_requests: list[dict] = []
        self.app = self._build()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # -- what it signs ---------------------------------------------------------------------

    def _sign(self, claims: dict) -> str:
        key = self.other_key if self.knobs.sign_with_other_key else self.key
        return jwt.encode({"alg": "RS256", "kid": "provider-key"}, claims, key)

    def _identity(self) -> dict:
        claims = {"sub": "agent-1234", "given_name": "Camille", "usual_name": "Martin"}
        claims["email"] = self.knobs.email
        if self.knobs.email_verified is not None:
            claims["email_verified"] = self.knobs.email_verified
        return claims

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {
            "iss": self.knobs.issuer_claim or self.issuer,
            "sub": "agent-1234",
            "aud": self.knobs.audience or CLIENT_ID,
            "iat": now,
            "exp": now + self.knobs.expires_in,
            "nonce": self.knobs.nonce or grant["nonce"],
            "acr": "eidas1",
        }
        if self.knobs.email_in_id_token:
            claims.update(self._identity())
        claims.update(self.knobs.extra_claims)
        return self._sign(claims)

    # -- the endpoints ---------------------------------------------------------------------

    def _build(self) -> Flask:
        app = Flask("oidc_provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                userinfo_endpoint=f"{self.issuer}/userinfo",
                jwks_uri=f"{self.issuer}/jwks",
                end_session_endpoint=f"{self.issuer}/session/end",
                response_types_supported=["code"],
                grant_types_supported=["authorization_code"],
                id_token_signing_alg_values_supported=["RS256"],
                userinfo_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize():
            args = request.args.to_dict()
            self.authorization_requests.append(args)
            if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
                abort(400)
            code = secrets.token_urlsafe(16)
            self.codes[code] = args
            query = urlencode({"code": code, "state": args.get("state", "")})
            return redirect(f"{args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():
            form = request.form.to_dict()
            self.token_requests.append(form)
            auth = request.authorization
            client = (auth.username, auth.password) if auth else (
                form.get("client_id"), form.get("client_secret"))  # fmt: skip
            if client != (CLIENT_ID, CLIENT_SECRET):
                return jsonify(error="invalid_client"), 401
            grant = self.codes.pop(form.get("code", ""), None)
            if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                return jsonify(error="invalid_grant"), 400
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            if grant.get("code_challenge_method") != "S256" or (
                challenge.rstrip(b"=").decode() != grant.get("code_challenge")
            ):
                return jsonify(error="invalid_grant", error_description="PKCE"), 400
            answer = {"access_token": "at-" + secrets.token_urlsafe(8), "token_type": "Bearer",
                      "expires_in": 60}  # fmt: skip
            if not self.knobs.omit_id_token:
                answer["id_token"] = self._id_token(grant)
            return jsonify(answer)

        @app.get("/userinfo")
        def userinfo():
            if not (request.headers.get("Authorization") or "").startswith("Bearer at-"):
                abort(401)
            claims = {"iss": self.issuer, "aud": CLIENT_ID, **self._identity()}
            return self._sign(claims), 200, {"Content-Type": "application/jwt"}

        return app
