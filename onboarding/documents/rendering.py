"""HTML to PDF with WeasyPrint: a fetcher that serves only our static files and data: URLs,
one font configuration per process, and a bound on the size of a document."""

import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

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


class StaticOnlyFetcher(URLFetcher):
    """Serves data: URLs and files inside the static folder; refuses every other URL.

    Nothing goes to the network and no file outside the static folder is read, whatever a
    template or a piece of user text asks for. Refused URLs are kept in `refused`.
    """

    def __init__(self, static_folder: str | Path):
        super().__init__(timeout=1, allowed_protocols={"data", "file"}, allow_redirects=False)
        self.root = Path(static_folder).resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve()
            inside = parts.netloc in ("", "localhost") and path.is_relative_to(self.root)
            if inside and path.is_file():
                mime, _ = mimetypes.guess_type(path.name)
                headers = {"Content-Type": mime or "application/octet-stream"}
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers)
        self.refused.append(url)
        raise FetchRefused(f"URL refusée dans un document : {url}")


_font_config: FontConfiguration | None = None
# Pango and the shared font configuration are not made for concurrent use.
_lock = threading.Lock()


def _fonts() -> FontConfiguration:
    """Loaded once per process: @font-face files are then decoded once, not per document."""
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


def print_html(
    html: str, *, static_folder: str | Path, fetcher: URLFetcher, options: dict
) -> tuple[int, bytes]:
    """The page count and the PDF of an HTML string whose relative URLs point into the static
    folder; the PDF is left unwritten (empty) beyond MAX_PAGES, as it would be refused."""
    base_url = Path(static_folder).resolve().as_uri() + "/"
    with _lock:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=_fonts(), **options
        )
        pages = len(document.pages)
        return pages, document.write_pdf(**options) if pages <= MAX_PAGES else b""


def html_to_pdf(html: str, *, static_folder: str | Path, fetcher: URLFetcher | None = None):
    """The tagged PDF of an HTML string whose relative URLs point into the static folder."""
    fetcher = fetcher or StaticOnlyFetcher(static_folder)
    pages, pdf = print_html(html, static_folder=static_folder, fetcher=fetcher, options=PDF_OPTIONS)
    if pages > MAX_PAGES:
        raise DocumentTooLarge(pages)
    return pdf


def render_pdf(template: str, *, fetcher: URLFetcher | None = None, **context) -> bytes:
    """Render templates/<template> with Flask's Jinja (autoescaped) and print it to PDF."""
    html = render_template(template, **context)
    return html_to_pdf(html, static_folder=current_app.static_folder, fetcher=fetcher)
