"""The fetcher serves only our static files and data: URLs; user text is printed, not run."""

import socket
from pathlib import Path

import pytest

from onboarding.documents import bundles, papers
from onboarding.documents.printer import StaticOnlyFetcher
from onboarding.documents.rendering import FetchRefused, html_to_pdf
from onboarding.pathway.models import CandidateStatus
from tests import builders
from tests.documents.conftest import read_pdf

# A 1×1 transparent PNG.
PIXEL = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a document tried to reach the network: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def served(monkeypatch, tmp_path):
    """Every URL the fetchers were asked for, whatever they answered, in this process or in a
    child that printed (each asks in turn, one line each, to a file they share)."""
    asked = tmp_path / "asked"
    asked.touch()
    original = StaticOnlyFetcher.fetch

    def recording(self, url, headers=None):
        with asked.open("a") as lines:
            lines.write(url + "\n")
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", recording)
    return lambda: asked.read_text().splitlines()


def hostile_html(static: Path, text: str) -> str:
    return f"""<html lang="fr"><head><title>Essai</title>
      <link rel="stylesheet" href="https://example.org/tracker.css">
      <link rel="stylesheet" href="documents/documents.css"></head>
      <body><p>{text}</p>
      <img src="file:///etc/passwd" alt="">
      <img src="http://127.0.0.1:9/pixel.png" alt="">
      <img src="../pyproject.toml" alt="">
      <img src="documents/../../onboarding/config.py" alt="">
      <img src="file://{static}/../instance/config.py" alt="">
      <img src="ftp://example.org/x.png" alt="">
      <img src="{PIXEL}" alt="point"></body></html>"""


def refused_of_hostile_html(static: Path) -> list[str]:
    root = static.parent
    return sorted(
        [
            "https://example.org/tracker.css",
            "file:///etc/passwd",
            "http://127.0.0.1:9/pixel.png",
            f"{root.as_uri()}/pyproject.toml",
            f"{root.as_uri()}/onboarding/config.py",
            f"file://{static}/../instance/config.py",
            "ftp://example.org/x.png",
        ]
    )


def test_embedded_file_and_network_urls_are_refused(app, no_network):
    fetcher = StaticOnlyFetcher(app.static_folder)
    static = Path(app.static_folder).resolve()
    html = hostile_html(static, "Texte visible")
    pdf = read_pdf(html_to_pdf(html, static_folder=app.static_folder, fetcher=fetcher))
    assert "Texte visible" in pdf.text
    assert sorted(fetcher.refused) == refused_of_hostile_html(static)


def test_each_chunk_of_a_bundle_refuses_the_same_urls(app, no_network, forked):
    static = Path(app.static_folder).resolve()
    htmls = [hostile_html(static, "Première partie"), hostile_html(static, "Seconde partie")]
    printed = bundles.bundle_to_pdf(htmls, static_folder=app.static_folder)
    assert len(forked()) == 2
    pdf = read_pdf(printed.pdf)
    assert "Première partie" in pdf.pages[0]
    assert "Seconde partie" in pdf.pages[1]
    assert sorted(printed.refused) == sorted(refused_of_hostile_html(static) * 2)


def test_the_fetcher_serves_static_files_and_data_urls_only(app):
    fetcher = StaticOnlyFetcher(app.static_folder)
    static = Path(app.static_folder).resolve()
    css = fetcher.fetch((static / "documents" / "documents.css").as_uri())
    assert css.content_type == "text/css"
    assert b"@page" in css.read()
    assert fetcher.fetch(PIXEL).read().startswith(b"\x89PNG")
    for url in (
        "file:///etc/passwd",
        "http://example.org/",
        "https://example.org/",
        f"{static.as_uri()}/../pyproject.toml",
        f"{static.as_uri()}/documents/missing.css",
        f"file://evil.example.org{static}/documents/documents.css",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 6


def test_user_text_is_escaped_and_fetches_nothing(session, app, issuer, served, no_network):
    candidate = builders.make_candidate(
        session,
        CandidateStatus.IN_PATHWAY,
        first_name='<img src="file:///etc/passwd">',
        last_name='<b>Gras</b><link rel="stylesheet" href="http://example.org/x.css">',
    )
    session.commit()
    pdf = read_pdf(papers.presence_attestations([candidate], issuer))
    assert '<img src="file:///etc/passwd">' in pdf.text
    assert "<b>Gras</b>" in pdf.text
    asked = served()
    assert asked, "the fetcher was not asked for the stylesheet"
    assert not [url for url in asked if "passwd" in url or "example.org" in url]
    # Only our own stylesheet (its fonts are loaded once per process) was asked for.
    assert all(url.startswith(Path(app.static_folder).resolve().as_uri()) for url in asked)


def test_user_text_in_a_bundle_is_escaped_and_fetches_nothing(
    session, issuer, no_network, forked, monkeypatch
):
    candidates = [
        builders.make_candidate(
            session,
            CandidateStatus.IN_PATHWAY,
            first_name='<img src="file:///etc/passwd">',
            last_name=f'<b>Gras {number}</b><link rel="stylesheet" href="http://example.org/x.css">',
        )
        for number in range(2)
    ]
    session.commit()
    printed = []
    bundle_to_pdf = bundles.bundle_to_pdf

    def keeping(*args, **kwargs):
        printed.append(bundle_to_pdf(*args, **kwargs))
        return printed[-1]

    monkeypatch.setattr(bundles, "bundle_to_pdf", keeping)
    pdf = read_pdf(papers.presence_attestations(candidates, issuer))
    assert len(forked()) == 2
    for number, page in enumerate(pdf.pages):
        assert '<img src="file:///etc/passwd">' in page
        assert f"<b>Gras {number}</b>" in page
    # Whatever was asked for outside the static folder would have been refused, and reported.
    assert printed[0].refused == []
