"""Fixtures of the sign-in tests: a local OpenID Connect provider the app is pointed at, and
the loopback SMTP server of tests/test_mail.py."""

import pytest

from tests.auth.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.test_mail import smtp_server  # noqa: F401  (the loopback SMTP server, for reset mail)


@pytest.fixture(scope="module")
def _running_provider():
    with Provider() as provider:
        yield provider


@pytest.fixture
def provider(app, _running_provider):
    """The provider, its knobs reset, and the app configured to use it."""
    _running_provider.knobs = type(_running_provider.knobs)()
    app.config.update(
        PROCONNECT_ISSUER=_running_provider.issuer,
        PROCONNECT_CLIENT_ID=CLIENT_ID,
        PROCONNECT_CLIENT_SECRET=CLIENT_SECRET,
    )
    return _running_provider
