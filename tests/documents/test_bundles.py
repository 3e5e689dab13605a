"""Attestations of several people: one PDF to print, each person from a new page, in the order
given, her name in the footer; printed by forked processes or here, it reads the same."""

import io
import os
import threading
from datetime import time, timedelta

import pytest
from pypdf import PdfReader

from onboarding.documents import bundles, papers, rendering
from onboarding.pathway.models import ActivityKind, CandidateStatus
from tests import builders
from tests.documents.conftest import read_pdf

TODAY = builders.TODAY
MEETING = "16 mars 2026, 9 h 30 – 12 h Réunion d'information — Agence France Travail, Bordeaux"
WORKSHOP = (
    "13 mars 2026, 14 h – 17 h 30 Accompagnement collectif — Relais Petite Enfance "
    "Les Lucioles, Bordeaux"
)
# Each page: the person, then what her table (or its absence) says.
PAGES = [
    ("Inès Nguyễn", f"{WORKSHOP} 3 h {MEETING} 2,5 h Total : 2 activités 5,5 h"),
    ("Élodie Œuvray-Dubois", f"{MEETING} 2,5 h Total : 1 activité 2,5 h"),
    ("Zoé Lefèvre", "Aucune présence n'est enregistrée à ce jour. Total : 0 h."),
    ("Maëlle Béranger", f"{WORKSHOP} 1,5 h Total : 1 activité 1,5 h"),
]


@pytest.fixture
def people(session):
    """The four people of PAGES, in that order (not the order they were created in)."""
    meeting = builders.make_activity(
        session, builders.make_step(session, ActivityKind.INFORMATION), on=TODAY
    )
    workshop = builders.make_activity(
        session,
        builders.make_step(session, ActivityKind.COACHING),
        on=TODAY - timedelta(days=3),
        start=time(14),
        end=time(17, 30),
    )
    workshop.place_name = "Relais Petite Enfance Les Lucioles"
    made = {}
    for full_name in ("Maëlle Béranger", "Zoé Lefèvre", "Élodie Œuvray-Dubois", "Inès Nguyễn"):
        first, last = full_name.split(" ", 1)
        made[full_name] = builders.make_candidate(
            session, CandidateStatus.IN_PATHWAY, first_name=first, last_name=last
        )
    builders.attend(session, made["Inès Nguyễn"], meeting)
    builders.attend(session, made["Inès Nguyễn"], workshop, hours="3")
    builders.attend(session, made["Élodie Œuvray-Dubois"], meeting)
    builders.attend(session, made["Maëlle Béranger"], workshop, hours="1.5")
    session.commit()
    return [made[name] for name, _ in PAGES]


def assert_one_person_a_page(pages: list[str]) -> None:
    assert len(pages) == len(PAGES)
    for page, (name, table) in zip(pages, PAGES, strict=True):
        assert f"Attestation de présence La structure soussignée atteste que {name} " in page
        assert table in page
        assert page.endswith(f"Attestation de présence – {name}"), page[-80:]
        assert "Page " not in page
        assert not [other for other, _ in PAGES if other != name and other in page]


def test_two_forked_processes_print_a_bundle_in_order(people, issuer, forked):
    pdf = read_pdf(papers.presence_attestations(people, issuer))
    printers = forked()
    assert len(printers) == 2
    assert os.getpid() not in printers
    assert_one_person_a_page(pdf.pages)


def test_a_small_bundle_is_printed_apart_by_one_child(people, issuer, lone_thread, printers):
    """Fewer people than PARALLEL_FROM: one chunk, printed by a forked child of its own."""
    assert len(people) < bundles.PARALLEL_FROM
    pages = read_pdf(papers.presence_attestations(people, issuer)).pages
    assert_one_person_a_page(pages)
    (child,) = printers()
    assert child != os.getpid()


def test_printed_as_one_chunk_a_bundle_reads_the_same(people, issuer, forked, monkeypatch):
    in_parallel = read_pdf(papers.presence_attestations(people, issuer)).pages
    printers = forked()
    monkeypatch.setattr(bundles, "PARALLEL_FROM", len(people) + 1)
    here = read_pdf(papers.presence_attestations(people, issuer)).pages
    assert forked() - printers == {os.getpid()}
    assert here == in_parallel
    assert_one_person_a_page(here)


def test_the_page_limit_is_the_whole_bundles(people, issuer, forked, monkeypatch):
    # Two chunks of two pages, each within the limit; together beyond it.
    monkeypatch.setattr(rendering, "MAX_PAGES", 3)
    with pytest.raises(rendering.DocumentTooLarge) as refused:
        papers.presence_attestations(people, issuer)
    assert len(forked()) == 2
    assert refused.value.pages == 4
    assert refused.value.message == (
        "Le document compterait 4 pages, au-delà de la limite de 3 : réduisez la sélection."
    )


def test_a_bundle_is_a_pdf_in_french_with_its_title_and_author(people, issuer, forked):
    reader = PdfReader(io.BytesIO(papers.presence_attestations(people, issuer)))
    assert len(forked()) == 2
    assert len(reader.pages) == 4
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert reader.metadata.title == "Attestations de présence (4)"
    assert reader.metadata.author == issuer.structure
    # For printing: a structure tree of the first chunk only would mislead a screen reader.
    assert "/StructTreeRoot" not in root


def test_workers_one_a_cpu_from_the_threshold_up_to_a_cap_and_never_beside_a_thread(
    monkeypatch,
):
    monkeypatch.setattr(bundles, "_cpus", lambda: 3)
    assert bundles.workers(bundles.PARALLEL_FROM - 1) == 1
    assert bundles.workers(bundles.PARALLEL_FROM) == 3
    monkeypatch.setattr(bundles, "_cpus", lambda: 64)
    assert bundles.workers(200) == bundles.MAX_WORKERS
    done = threading.Event()
    thread = threading.Thread(target=done.wait)
    thread.start()
    try:
        assert bundles.workers(200) == 1
    finally:
        done.set()
        thread.join()
