"""WeasyPrint itself: a fetcher that serves only our static files and data: URLs, one font
configuration per process, and the printing of an HTML string, here or in a forked child.

Imported on first use (onboarding.documents.rendering): WeasyPrint and its font stack take half a
second and some 25 MB to load, which a process that prints nothing (most requests, the scheduled
commands) need not pay."""

import gc
import mimetypes
import os
import pickle
import signal
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


# A page in the documents' style, printed once by a process before it forks its first printer:
# the fonts and the style sheet are then decoded here, once, rather than in every child.
WARM_UP = '<link rel="stylesheet" href="documents/documents.css"><p>.</p>'
_warmed: set[str] = set()


class PrintingFailed(RuntimeError):
    """The child that printed a document ended without an answer (killed, or out of memory)."""


def print_apart(
    html: str, *, static_folder: str | Path, fetcher: URLFetcher, options: dict
) -> tuple[int, bytes]:
    """print_html, in a forked child where this process may fork: laying out a long document
    takes memory that a process keeps once it has it (a 600-row table: 100 MB and more), and the
    child's goes with it. The URLs the child's fetcher refused are added to `fetcher.refused`;
    its error, if any, is raised here. Where forking is not safe, the document is printed here.
    """
    if not rendering.may_fork():
        return print_html(html, static_folder=static_folder, fetcher=fetcher, options=options)
    folder = str(static_folder)
    if folder not in _warmed:
        print_html(WARM_UP, static_folder=folder, fetcher=StaticOnlyFetcher(folder), options={})
        _warmed.add(folder)
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the child: it never returns
        _print_as_child(reading, writing, html, folder, fetcher, options)
    os.close(writing)
    with os.fdopen(reading, "rb") as answer:
        outcome = answer.read()
    os.waitpid(child, 0)
    if not outcome:
        raise PrintingFailed("le processus d'impression s'est arrêté sans répondre")
    kind, *found = pickle.loads(outcome)
    if kind == "failed":
        raise found[0]
    pages, pdf, refused = found
    if hasattr(fetcher, "refused"):
        fetcher.refused.extend(refused)
    return pages, pdf


def _print_as_child(reading, writing, html, folder, fetcher, options) -> None:
    """Print, answer through the pipe, and end without running anything of the parent's: no
    exit handler, no finaliser, no collection of what it inherited. The collector stays off: a
    short life does not need it, and its scans would touch, and so copy, every page it shares
    with the parent (freezing them would too)."""
    try:
        os.close(reading)
        # A server's SIGTERM handler (gunicorn's) is not the child's.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        gc.disable()
        try:
            pages, pdf = print_html(html, static_folder=folder, fetcher=fetcher, options=options)
            outcome = ("printed", pages, pdf, list(getattr(fetcher, "refused", [])))
        except Exception as error:  # raised again in the parent
            try:
                outcome = ("failed", pickle.loads(pickle.dumps(error)))
            except Exception:
                outcome = ("failed", PrintingFailed(f"{type(error).__name__}: {error}"))
        with os.fdopen(writing, "wb") as answer:
            pickle.dump(outcome, answer)
    finally:
        os._exit(0)
