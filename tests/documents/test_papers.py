"""Each document read back from its PDF: page count, names with accents, French dates, hours."""

from datetime import time, timedelta
from decimal import Decimal

import pytest

from onboarding.documents import papers, rendering
from onboarding.pathway import enrollment, situation
from onboarding.pathway.base import utcnow
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import ActivityKind, Attendance, CandidateStatus
from onboarding.pathway.progress import candidate_progress
from onboarding.pathway.schedule import half_day_mask
from tests import builders
from tests.documents.conftest import read_pdf

TODAY = builders.TODAY


@pytest.fixture
def steps(session):
    information = builders.make_step(
        session, ActivityKind.INFORMATION, title="Réunion d'information"
    )
    coaching = builders.make_step(
        session, ActivityKind.COACHING, title="Accompagnement collectif", sessions=2, hours=5
    )
    return information, coaching


@pytest.fixture
def elodie(session, steps):
    """Attended two activities (one with hours typed), excused from a third."""
    information, coaching = steps
    candidate = builders.make_candidate(
        session, CandidateStatus.IN_PATHWAY, first_name="Élodie", last_name="Œuvray-Dubois"
    )
    meeting = builders.make_activity(session, information, on=TODAY, title="Réunion à l'agence")
    workshop = builders.make_activity(
        session, coaching, on=TODAY - timedelta(days=3), start=time(14), end=time(17, 30)
    )
    missed = builders.make_activity(
        session, coaching, on=TODAY - timedelta(days=10), title="Atelier manqué"
    )
    builders.attend(session, candidate, meeting)
    builders.attend(session, candidate, workshop, hours="3")
    row = enrollment.enroll(session, candidate, missed, actor=None, today=TODAY)
    enrollment.take_roll_call(
        session, missed, [enrollment.Mark(row.id, Attendance.EXCUSED.value)], today=TODAY
    )
    session.commit()
    return candidate


def test_presence_attestation_lists_attended_activities_and_the_total(elodie, issuer):
    pdf = read_pdf(papers.presence_attestations([elodie], issuer))
    assert len(pdf.pages) == 1
    text = pdf.text
    assert "Attestation de présence" in text
    assert "Élodie Œuvray-Dubois" in text
    assert "Date et horaires Activité et lieu Heures" in text
    assert (
        "13 mars 2026, 14 h – 17 h 30 Accompagnement collectif — Agence France Travail, "
        "Bordeaux 3 h 16 mars 2026, 9 h 30 – 12 h Réunion d'information — Agence France "
        "Travail, Bordeaux 2,5 h Total : 2 activités 5,5 h"
    ) in text
    assert "Page 1 / 1" in text
    assert "Atelier manqué" not in text
    assert "Parcours Assmat – France Travail et Caf, département 33" in text
    assert "Ada Coordinatrice" in text
    assert "Fait le 16 mars 2026" in text


def test_attestations_of_several_candidates_start_each_on_a_page(session, elodie, steps, issuer):
    others = [
        builders.make_candidate(session, CandidateStatus.IN_PATHWAY, last_name=name)
        for name in ("Lefèvre", "Nguyễn")
    ]
    session.commit()
    pdf = read_pdf(papers.presence_attestations([elodie, *others], issuer))
    assert len(pdf.pages) == 3
    assert "Œuvray-Dubois" in pdf.pages[0]
    assert "Camille Lefèvre" in pdf.pages[1]
    assert "Aucune présence n'est enregistrée à ce jour. Total : 0 h" in pdf.pages[1]
    assert "Camille Nguyễn" in pdf.pages[2]


def test_a_bulk_beyond_the_limit_is_refused_before_rendering(elodie, issuer):
    with pytest.raises(RuleViolation, match="Au plus 200 attestations"):
        papers.presence_attestations([elodie] * (papers.MAX_ATTESTATIONS + 1), issuer)
    with pytest.raises(RuleViolation, match="sélection est vide"):
        papers.presence_attestations([], issuer)


def _enrol_many(session, activity, count):
    for number in range(count):
        candidate = builders.make_candidate(
            session, CandidateStatus.IN_PATHWAY, first_name="Zoé", last_name=f"Lefèvre {number:02d}"
        )
        enrollment.enroll(session, candidate, activity, actor=None, today=TODAY)
    session.commit()


@pytest.mark.parametrize(("enrolled", "pages"), [(0, 1), (15, 1), (16, 2), (31, 3)])
def test_sign_in_sheet_prints_fifteen_names_a_page(session, steps, issuer, enrolled, pages):
    activity = builders.make_activity(
        session, steps[0], on=TODAY + timedelta(days=2), capacity=40, title="Réunion d'accueil"
    )
    _enrol_many(session, activity, enrolled)
    pdf = read_pdf(papers.sign_in_sheet(activity, issuer))
    assert len(pdf.pages) == pages
    assert all("Feuille d'émargement" in page for page in pdf.pages)
    assert all("mercredi 18 mars 2026, de 9 h 30 à 12 h (2,5 h)" in page for page in pdf.pages)
    if enrolled == 0:
        assert "Personne n'est inscrit à cette activité." in pdf.text
    if enrolled == 16:
        assert "1 Lefèvre 00 Zoé" in pdf.pages[0]
        assert "15 Lefèvre 14 Zoé" in pdf.pages[0]
        assert "16 Lefèvre 15 Zoé" in pdf.pages[1]
        assert "Lefèvre 15" not in pdf.pages[0]
        assert "16 personnes · feuille 2 sur 2" in pdf.pages[1]


def test_booklet_tells_the_whole_pathway(session, issuer):
    # Approved before these steps were configured: the booklet shows them as they stand now.
    candidate = builders.make_candidate(
        session, CandidateStatus.APPROVED, first_name="Hélène", last_name="Dupré", capacity=3
    )
    information = builders.make_step(
        session, ActivityKind.INFORMATION, title="Réunion d'information"
    )
    builders.make_step(
        session, ActivityKind.COACHING, title="Accompagnement collectif", sessions=2, hours=5
    )
    builders.attend(
        session,
        candidate,
        builders.make_activity(session, information, on=TODAY - timedelta(days=1)),
    )
    session.commit()
    progress = candidate_progress(session, candidate.id, TODAY)
    deadlines = situation.candidate_deadlines(candidate)
    pdf = read_pdf(papers.pathway_booklet(candidate, progress, deadlines, issuer))
    text = pdf.text
    assert "Livret de parcours" in text
    assert "Hélène Dupré" in text
    assert "Réunion d'information 1 séance 1 séance, 2,5 h Fait" in text
    assert "Accompagnement collectif 2 séances, 5 h 0 séance, 0 h À faire" in text
    assert "Total des heures de présence 2,5 h" in text
    assert "Certificat médical (art. R421-3) Reçu le" in text
    decision = candidate.decisions[-1]
    assert "Agrément accordé le" in text
    assert "3 enfants simultanément" in text
    for deadline in deadlines:
        assert deadline.label in text
    assert "Surface du logement." in text
    assert decision.valid_until.year == 2031


def test_completion_attestation_is_refused_while_a_mandatory_step_is_missing(
    elodie, issuer, session
):
    progress = candidate_progress(session, elodie.id, TODAY)
    with pytest.raises(RuleViolation) as refused:
        papers.completion_attestation(elodie, progress, issuer)
    assert refused.value.message == (
        "Parcours inachevé : l'attestation de fin de parcours sera disponible une fois toutes "
        "les étapes obligatoires faites. Reste à faire : « Accompagnement collectif »."
    )


def test_completion_attestation_once_every_mandatory_step_is_done(elodie, steps, issuer, session):
    builders.attend(
        session, elodie, builders.make_activity(session, steps[1], on=TODAY - timedelta(days=1))
    )
    session.commit()
    progress = candidate_progress(session, elodie.id, TODAY)
    pdf = read_pdf(papers.completion_attestation(elodie, progress, issuer))
    assert len(pdf.pages) == 1
    text = pdf.text
    assert "Attestation de fin de parcours" in text
    assert "Élodie Œuvray-Dubois" in text
    assert "Accompagnement collectif 2 5,5 h" in text
    assert "Total des heures de présence 8 h" in text
    assert "Première activité le 13 mars 2026, dernière le 16 mars 2026" in text


def test_completion_attestation_needs_a_configured_mandatory_step(session, issuer):
    builders.make_step(session, ActivityKind.INFORMATION, mandatory=False)
    candidate = builders.make_candidate(session, CandidateStatus.IN_PATHWAY)
    session.commit()
    progress = candidate_progress(session, candidate.id, TODAY)
    with pytest.raises(RuleViolation, match="Aucune étape obligatoire"):
        papers.completion_attestation(candidate, progress, issuer)


@pytest.fixture
def carer(session):
    candidate = builders.make_candidate(
        session, CandidateStatus.APPROVED, first_name="Maëlle", last_name="Béranger"
    )
    carer = candidate.carer
    carer.is_published = True
    carer.publication_consent_at = utcnow()
    carer.last_confirmed_on = TODAY - timedelta(days=5)
    carer.presentation = "Maison avec jardin, près de l'école Jean-Jaurès."
    carer.phone = "06 39 98 12 34"
    carer.show_email = False
    carer.email = "maelle@example.org"
    from onboarding.pathway.carers import VacancyInput, add_vacancy

    add_vacancy(
        session,
        carer,
        VacancyInput(
            available_from=TODAY + timedelta(days=15),
            age_min_months=3,
            age_max_months=36,
            half_days=half_day_mask(["mon_am", "mon_pm", "wed_am"]),
            early=True,
            periscolaire=True,
        ),
        today=TODAY,
    )
    session.commit()
    return carer


def test_availability_sheet_shows_the_grid_and_only_published_contacts(carer, issuer):
    pdf = read_pdf(papers.availability_sheet(carer, issuer))
    assert len(pdf.pages) == 1
    text = pdf.text
    assert "Fiche de disponibilités" in text
    assert "Maëlle B." in text
    assert "Béranger" not in text
    assert "06 39 98 12 34" in text
    assert "maelle@example.org" not in text
    assert "libre à partir du 31 mars 2026, enfant de 3 à 36 mois" in text
    assert "Matin oui – oui – – – –" in text
    assert "Après-midi oui – – – – – –" in text
    assert "Avant 7 h" in text
    assert "Périscolaire" in text
    assert "le 11 mars 2026" in text


def test_availability_sheet_of_an_unpublished_carer_is_refused(carer, issuer):
    carer.is_published = False
    with pytest.raises(RuleViolation, match="n'a pas accepté la publication"):
        papers.availability_sheet(carer, issuer)


def test_a_document_beyond_the_page_limit_is_refused(session, steps, issuer, monkeypatch):
    activity = builders.make_activity(session, steps[0], on=TODAY, capacity=40)
    _enrol_many(session, activity, 16)
    monkeypatch.setattr(rendering, "MAX_PAGES", 1)
    with pytest.raises(rendering.DocumentTooLarge) as refused:
        papers.sign_in_sheet(activity, issuer)
    assert refused.value.message.startswith("Le document compterait 2 pages")


def test_the_hours_credited_are_those_of_the_roll_call(elodie):
    record = papers.presence_record(elodie)
    assert [row.hours for row in record.rows] == [Decimal(3), Decimal("2.5")]
    assert record.total == Decimal("5.5")


def test_the_pdf_is_tagged_in_french_with_marianne_embedded(elodie, issuer):
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(papers.presence_attestations([elodie], issuer)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "fr"
    assert reader.metadata.title == "Attestation de présence – Élodie Œuvray-Dubois"
    fonts = reader.pages[0]["/Resources"]["/Font"]
    embedded = {}
    for ref in fonts.values():
        font = ref.get_object()
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        embedded[str(font["/BaseFont"])] = any(
            key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
        )
    assert any("Marianne" in name for name in embedded), embedded
    assert all(embedded.values()), embedded
