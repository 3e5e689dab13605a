"""A single document is printed by a forked child where the process may fork, so that the
memory its layout takes goes with the child: same PDF, the refused URLs reported to the caller's
fetcher, the child's error raised in the parent, a child that dies without answering reported."""

import os
from pathlib import Path

import pytest

from onboarding.documents import printer, rendering
from onboarding.documents.printer import PrintingFailed, StaticOnlyFetcher
from tests.documents.conftest import read_pdf
from tests.documents.test_safety import hostile_html, refused_of_hostile_html


def test_a_document_is_printed_by_a_child_and_its_refusals_come_back(app, lone_thread, printers):
    static = Path(app.static_folder).resolve()
    fetcher = StaticOnlyFetcher(app.static_folder)
    pdf = rendering.html_to_pdf(
        hostile_html(static, "Texte imprimé à part"), static_folder=app.static_folder,
        fetcher=fetcher,
    )  # fmt: skip
    assert "Texte imprimé à part" in read_pdf(pdf).text
    assert sorted(fetcher.refused) == refused_of_hostile_html(static)
    (child,) = printers()
    assert child != os.getpid()


def test_where_the_process_may_not_fork_it_prints_here(app, printers, monkeypatch):
    monkeypatch.setattr(rendering, "may_fork", lambda: False)
    pdf = rendering.html_to_pdf("<p>Imprimé ici</p>", static_folder=app.static_folder)
    assert "Imprimé ici" in read_pdf(pdf).text
    assert printers() == {os.getpid()}


def test_the_childs_error_is_raised_here(app, lone_thread, monkeypatch):
    def failing(html, **kwargs):
        if html == printer.WARM_UP:
            return 1, b""
        raise ValueError("mise en page impossible")

    monkeypatch.setattr(printer, "print_html", failing)
    with pytest.raises(ValueError, match="mise en page impossible"):
        rendering.html_to_pdf("<p>x</p>", static_folder=app.static_folder)


def test_a_child_that_dies_without_answering_is_reported(app, lone_thread, monkeypatch):
    def dying(html, **kwargs):
        if html == printer.WARM_UP:
            return 1, b""
        os._exit(9)

    monkeypatch.setattr(printer, "print_html", dying)
    with pytest.raises(PrintingFailed):
        rendering.html_to_pdf("<p>x</p>", static_folder=app.static_folder)
