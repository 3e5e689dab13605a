"""Reading the PDFs back with pypdf: pages and text as a person reads them."""

import io
import os
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from onboarding.documents import bundles, printer, rendering
from onboarding.documents.papers import Issuer
from tests import builders
from tests.admin.conftest import panel, world  # noqa: F401  (the panel's world, reused)


@dataclass
class Pdf:
    pages: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def read_pdf(data: bytes) -> Pdf:
    assert data.startswith(b"%PDF-"), data[:20]
    reader = PdfReader(io.BytesIO(data))
    # Layout spaces vary with the extraction: compare words separated by single spaces.
    return Pdf([re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages])


@pytest.fixture
def issuer() -> Issuer:
    return Issuer(
        structure="Parcours Assmat – France Travail et Caf, département 33",
        person="Ada Coordinatrice",
        issued_on=builders.TODAY,
    )


# Where each process that prints a chunk of a bundle leaves its id (set by the `forked` fixture).
SIGNATURES: Path | None = None
_print_chunk = bundles._print_chunk


def print_chunk_signed(html: str, static_folder: str, **options) -> bundles.Printed:
    """bundles._print_chunk, leaving the id of the process that runs it (a child, once forked)."""
    (SIGNATURES / str(os.getpid())).touch()
    return _print_chunk(html, static_folder, **options)


@pytest.fixture
def forked(monkeypatch, tmp_path):
    """Bundles of two parts or more printed by two forked processes, even on a single CPU.

    Returns a function that tells the ids of the processes that printed chunks so far.
    """
    monkeypatch.setattr(bundles, "PARALLEL_FROM", 2)
    monkeypatch.setattr(bundles, "_cpus", lambda: 2)
    monkeypatch.setattr(bundles, "_print_chunk", print_chunk_signed)
    signatures = tmp_path / "printers"
    signatures.mkdir()
    monkeypatch.setattr(sys.modules[__name__], "SIGNATURES", signatures)
    _wait_for_a_lone_thread()
    return lambda: {int(path.name) for path in signatures.iterdir()}


def _wait_for_a_lone_thread() -> None:
    """Forking needs a lone thread: the rate limiter's expiry timer ends 10 ms after the app
    starts, and nothing else may run."""
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.join()
    assert rendering.may_fork(), f"forking needs a lone thread: {threading.enumerate()}"


@pytest.fixture
def lone_thread():
    _wait_for_a_lone_thread()


@pytest.fixture
def printers(monkeypatch, tmp_path):
    """The ids of the processes that ran print_html for a document (not the warm-up page)."""
    signatures = tmp_path / "signed"
    signatures.mkdir()
    print_html = printer.print_html

    def signed(html, **kwargs):
        if html != printer.WARM_UP:
            (signatures / str(os.getpid())).touch()
        return print_html(html, **kwargs)

    monkeypatch.setattr(printer, "print_html", signed)
    return lambda: {int(path.name) for path in signatures.iterdir()}
