"""Browser tests: the app served on loopback by a real server thread, driven by Debian's
headless Chromium through Playwright, and audited with axe-core (from npm).

Without Chromium these tests skip on a developer's machine and fail in CI (CI=true).
"""

import shutil
import threading
from pathlib import Path
from urllib.parse import urljoin

import pytest
from werkzeug.serving import make_server

from tests.conftest import IN_CI, backends, make_database

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The impacts the accessibility tests refuse.
BLOCKING_IMPACTS = {"serious", "critical"}


def _missing(what: str) -> None:
    message = f"{what}: the browser tests cannot run"
    if IN_CI:
        pytest.fail(message + " (CI=true: install it, see .ci/run)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        _missing("Chromium is not installed (Debian package chromium)")
    return path


# One browser a module: Playwright's driver threads end with it, and the tests that follow run
# in a single-threaded process again (bundles of documents fork only from one).
@pytest.fixture(scope="module")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (test extra)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


AXE_URL = "/__tests__/axe.min.js"


def serving_axe(app):
    """The app, and axe-core beside it at AXE_URL: the audit is loaded as if it were one of the
    app's own scripts (same origin), so it runs under the app's real Content-Security-Policy.
    Served here rather than by routing the browser's requests, which would turn its cache off."""

    def wsgi(environ, start_response):
        if environ.get("PATH_INFO") != AXE_URL:
            return app(environ, start_response)
        if not AXE_SCRIPT.is_file():
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"axe-core is not installed"]
        body = AXE_SCRIPT.read_bytes()
        start_response(
            "200 OK",
            [("Content-Type", "text/javascript"), ("Content-Length", str(len(body))),
             ("Cache-Control", "max-age=3600")],
        )  # fmt: skip
        return [body]

    return wsgi


@pytest.fixture
def live_server(app):
    """The test app on 127.0.0.1, in a thread; yields its base URL."""
    app.config["SERVER_NAME"] = None
    server = make_server("127.0.0.1", 0, serving_axe(app), threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def page(browser, live_server):
    """A page under the app's real Content-Security-Policy; any violation fails the test."""
    context = browser.new_context(base_url=live_server, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused: list[str] = []
    page.csp_refusals = refused
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()
    assert refused == [], f"the browser refused something under the CSP: {refused}"


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it stands; return the serious and critical violations."""
    if not AXE_SCRIPT.is_file():
        _missing(f"axe-core is not installed ({AXE_SCRIPT.relative_to(PROJECT_ROOT)}; make assets)")
    page.add_script_tag(url=urljoin(page.url, AXE_URL))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core on {page.url}: {violations}"


# What a browser test checks (markup, scripts, the Content-Security-Policy, accessibility, what a
# person can do with the pages) does not depend on the database behind them, and each page's
# queries run on both backends in the HTTP tests: the browser tests run once, on PostgreSQL (the
# production database) when it is configured, else on SQLite.
@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return make_database(backends()[-1], tmp_path_factory)
