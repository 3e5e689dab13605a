"""WeasyPrint itself: a fetcher that serves only our static files and data: URLs, one font
configuration per process, and the printing of an HTML string.

Imported on first use (onboarding.documents.rendering): WeasyPrint and its font stack take half a
second and some 25 MB to load, which a process that prints nothing (most requests, the scheduled
commands) need not pay."""

import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from onboarding.documents import rendering
from onboarding.documents.rendering import FetchRefused


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
        return pages, document.write_pdf(**options) if pages <= rendering.MAX_PAGES else b""
