"""HTML to PDF, and a bound on the size of a document. The printing itself is WeasyPrint's,
in onboarding.documents.printer, loaded at the first document a process prints."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app, render_template

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher

# A printed document longer than this is a mistake (or an attack), not a document.
MAX_PAGES = 600
# WeasyPrint's tagged structure (headings, tables, lists) for screen readers.
PDF_OPTIONS = {"pdf_tags": True}


class DocumentTooLarge(Exception):
    """The document would exceed MAX_PAGES; nothing was produced."""

    def __init__(self, pages: int):
        super().__init__(f"{pages} pages")
        self.pages = pages
        self.message = (
            f"Le document compterait {pages} pages, au-delà de la limite de {MAX_PAGES} : "
            "réduisez la sélection."
        )


class FetchRefused(ValueError):
    """A URL outside the static folder: WeasyPrint treats it as a failed fetch and goes on."""


def may_fork() -> bool:
    """Fork copies a lock another thread may hold (Python 3.12 warns): only from a lone thread."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def html_to_pdf(html: str, *, static_folder: str | Path, fetcher: URLFetcher | None = None):
    """The tagged PDF of an HTML string whose relative URLs point into the static folder,
    printed by a forked child where this process may fork (printer.print_apart)."""
    from onboarding.documents.printer import StaticOnlyFetcher, print_apart

    fetcher = fetcher or StaticOnlyFetcher(static_folder)
    pages, pdf = print_apart(
        html, static_folder=static_folder, fetcher=fetcher, options=PDF_OPTIONS
    )
    if pages > MAX_PAGES:
        raise DocumentTooLarge(pages)
    return pdf


def render_pdf(template: str, *, fetcher: URLFetcher | None = None, **context) -> bytes:
    """Render templates/<template> with Flask's Jinja (autoescaped) and print it to PDF."""
    html = render_template(template, **context)
    return html_to_pdf(html, static_folder=current_app.static_folder, fetcher=fetcher)
