"""Bundles: many independent parts (one per person, each from a new page) printed as one PDF.

WeasyPrint lays out on one core, about a millisecond per table cell. A bundle's parts do not
depend on each other, so their HTML is cut into contiguous chunks that forked processes print
side by side when there are enough parts and cores; pypdf then joins the chunks in order.
"""

import gc
import io
import multiprocessing
import os
import signal
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path

from flask import current_app, render_template

from onboarding.documents import rendering
from onboarding.documents.rendering import DocumentTooLarge

# Fewer parts print in a fraction of a second: not worth starting processes.
PARALLEL_FROM = 8
# Each process lays out a document of its own (styles, fixed costs) in memory of its own: beyond
# a few, on a server that answers other requests meanwhile, more of them would not pay.
MAX_WORKERS = 4
# A bundle is for printing, and pypdf cannot join the chunks' structure trees: untagged (which
# also saves a quarter of the time). A single document stays tagged for screen readers.
BUNDLE_OPTIONS = {"pdf_tags": False}


@dataclass(frozen=True)
class Printed:
    """A chunk or a whole bundle: the PDF, its page count, and the URLs its fetcher refused."""

    pdf: bytes
    pages: int
    refused: list[str]


def _cpus() -> int:
    """The CPUs this process may run on (Linux), or one where the system does not say."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def workers(parts: int) -> int:
    """How many processes print a bundle of `parts` parts: one unless several are worth it."""
    if parts < PARALLEL_FROM or not rendering.may_fork():
        return 1
    return min(_cpus(), MAX_WORKERS, parts)


def render_bundle(template: str, parts: Sequence, **context) -> bytes:
    """Print the parts through templates/<template> (Flask's Jinja, autoescaped), one render
    per chunk: the template gets the chunk as `parts` and the whole count as `bundle_size`."""
    count = workers(len(parts))
    bounds = [len(parts) * number // count for number in range(count + 1)]
    htmls = [
        render_template(template, parts=parts[start:end], bundle_size=len(parts), **context)
        for start, end in pairwise(bounds)
    ]
    return bundle_to_pdf(htmls, static_folder=current_app.static_folder).pdf


def _child_start() -> None:
    """A child only prints chunks. A server's SIGTERM handler (gunicorn's) is not its own: the
    default one lets the pool stop it. What it inherits is no garbage: frozen, it is left out of
    the collector's full scans, which would otherwise take a third of the printing time."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.freeze()


def _print_chunk(html: str, static_folder: str, *, apart: bool = False) -> Printed:
    """A chunk printed here (in a pool's child), or `apart`: by a forked child of its own where
    this process may fork, as a single document is (printer.print_apart)."""
    from onboarding.documents import printer

    fetcher = printer.StaticOnlyFetcher(static_folder)
    print_ = printer.print_apart if apart else printer.print_html
    pages, pdf = print_(html, static_folder=static_folder, fetcher=fetcher, options=BUNDLE_OPTIONS)
    return Printed(pdf, pages, fetcher.refused)


def bundle_to_pdf(htmls: list[str], *, static_folder: str | Path) -> Printed:
    """The chunks printed by forked processes (one a CPU) when possible, else one after the
    other, each apart (a single chunk's layout would otherwise stay in this process's memory),
    then joined in order. Each chunk fetches through a StaticOnlyFetcher of its own
    (same rules); the URLs they refused are reported together. The page limit is the bundle's."""
    # WeasyPrint loaded here, before any fork: the children find it loaded rather than each
    # loading it again.
    from onboarding.documents import printer  # noqa: F401

    print_chunk = partial(_print_chunk, static_folder=str(static_folder))
    processes = min(_cpus(), len(htmls))
    if processes > 1 and rendering.may_fork():
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(processes, mp_context=context, initializer=_child_start) as pool:
            chunks = list(pool.map(print_chunk, htmls))
    else:
        chunks = [print_chunk(html, apart=True) for html in htmls]
    pages = sum(chunk.pages for chunk in chunks)
    if pages > rendering.MAX_PAGES:
        raise DocumentTooLarge(pages)
    refused = [url for chunk in chunks for url in chunk.refused]
    return Printed(_join([chunk.pdf for chunk in chunks]), pages, refused)


def _join(pdfs: list[bytes]) -> bytes:
    """One PDF: the first chunk's catalog (its /Lang) and metadata (title, author), then the
    pages of the others."""
    if len(pdfs) == 1:
        return pdfs[0]
    from pypdf import PdfWriter  # loaded when a bundle is joined, not by every process

    writer = PdfWriter(clone_from=io.BytesIO(pdfs[0]))
    for pdf in pdfs[1:]:
        writer.append(io.BytesIO(pdf))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
