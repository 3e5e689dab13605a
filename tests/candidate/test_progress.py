"""The progress page, the calendar files and the documents a candidate downloads."""

from datetime import datetime
from io import BytesIO

from icalendar import Calendar
from pypdf import PdfReader

from onboarding.pathway import enrollment
from onboarding.pathway.models import (
    Attendance,
    CandidateStatus,
    DossierItemKind,
    DossierItemStatus,
)
from tests import builders
from tests.candidate.conftest import text


def test_the_page_shows_steps_actions_activities_dossier_and_documents(place, space, client):
    space.open(place.candidate)

    page = text(client.get("/candidat/"))

    assert "Votre situation : En parcours" in page
    # Steps with their state and what remains.
    assert "Réunion d'information" in page
    assert "Fait" in page
    assert "Accompagnement collectif" in page
    assert "reste 2 séances et 5 h à suivre" in page
    assert "Premiers secours (facultatif)" in page
    assert "À faire" in page
    # Next action: the first upcoming activity.
    assert "Venir à « Atelier dossier » le 23 mars 2026 à 14 h 00" in page
    # Upcoming activities with date, times, address and what to bring.
    assert "lundi 23 mars 2026" in page
    assert "de 14 h à 16 h 30" in page
    assert "12 rue Sainte-Catherine, Bordeaux" in page
    assert "À apporter : Pièce d'identité et justificatif de domicile" in page
    # The dossier: nothing received yet at this status.
    assert "Il manque 5 pièces" in page
    assert "Attestation de fin de parcours : disponible quand" in page
    assert "Paul" not in page, "another candidate's name never shows"


def test_decision_and_deadlines_show_once_approved(place, space, client):
    space.open(place.approved)

    page = text(client.get("/candidat/"))

    assert "Agrément accordé" in page
    assert "Formation initiale, première partie (80 h)" in page
    assert "Suivre la première partie de la formation initiale" in page
    assert "Publier votre profil" in page
    assert "Mes disponibilités" in page


def test_the_dossier_says_what_is_missing(place, space, client, session):
    for item in place.candidate.dossier_items:
        if item.kind != DossierItemKind.MEDICAL_CERTIFICATE:
            item.status = DossierItemStatus.RECEIVED
    session.commit()
    space.open(place.candidate)

    page = text(client.get("/candidat/"))

    assert "Il manque 1 pièce : Certificat médical (art. R421-3)." in page


def _events(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return calendar, list(calendar.walk("VEVENT"))


def test_one_activity_calendar_file_parses(place, space, client):
    space.open(place.candidate)
    workshop = next(
        e.activity for e in place.candidate.enrollments if e.activity.title == "Atelier dossier"
    )

    calendar, events = _events(client.get(f"/candidat/activites/{workshop.id}.ics"))

    assert len(events) == 1
    event = events[0]
    start = event.decoded("dtstart")
    assert isinstance(start, datetime)
    assert (start.date(), start.hour, start.minute) == (workshop.date, 14, 0)
    assert str(start.tzinfo) == "Europe/Paris"
    assert event.decoded("dtend").hour == 16
    assert "Atelier dossier" in str(event["summary"])
    assert "12 rue Sainte-Catherine" in str(event["location"])
    assert "Pièce d'identité" in str(event["description"])
    assert calendar.walk("VTIMEZONE"), "the zone is described for calendars that need it"


def test_the_calendar_of_all_activities_holds_the_upcoming_ones_not_excused(
    place, space, client, session
):
    space.open(place.candidate)
    second = next(
        e for e in place.candidate.enrollments if e.activity.title == "Atelier visite PMI"
    )

    _, events = _events(client.get("/candidat/activites.ics"))
    assert sorted(str(e["summary"]) for e in events) == [
        "Accompagnement collectif : Atelier dossier",
        "Accompagnement collectif : Atelier visite PMI",
    ]
    enrollment.excuse(session, second, today=builders.TODAY, by_candidate=True)
    session.commit()

    _, events = _events(client.get("/candidat/activites.ics"))
    assert [str(e["summary"]) for e in events] == ["Accompagnement collectif : Atelier dossier"]
    assert client.get(f"/candidat/activites/{second.activity_id}.ics").status_code == 404


def test_a_past_activity_has_no_calendar_file(place, space, client):
    space.open(place.candidate)
    past = next(e.activity for e in place.candidate.enrollments if e.activity.date < builders.TODAY)

    assert client.get(f"/candidat/activites/{past.id}.ics").status_code == 404


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    return "\n".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)


def test_the_candidate_downloads_their_presence_attestation_and_booklet(place, space, client):
    space.open(place.candidate)

    attestation = _pdf_text(client.get("/candidat/documents/attestation-presence.pdf"))
    booklet = _pdf_text(client.get("/candidat/documents/livret-parcours.pdf"))

    assert "Inès Durand" in attestation
    assert "Attestation de présence" in attestation
    assert "Paul" not in attestation
    assert "Inès Durand" in booklet


def test_the_completion_attestation_waits_for_every_mandatory_step(place, space, client, session):
    space.open(place.candidate)

    refused = client.get("/candidat/documents/attestation-fin-parcours.pdf")

    assert refused.status_code == 302
    page = text(client.get(refused.headers["Location"]))
    assert "Parcours inachevé" in page

    # Both workshops attended, 5 h: every mandatory step is done.
    for row in place.candidate.enrollments:
        if row.attendance == Attendance.PENDING:
            row.attendance = Attendance.ATTENDED
            row.hours_credited = row.activity.duration_hours
    session.commit()
    assert "Attestation de fin de parcours (PDF)" in text(client.get("/candidat/"))
    completion = _pdf_text(client.get("/candidat/documents/attestation-fin-parcours.pdf"))
    assert "Inès Durand" in completion


def test_a_withdrawn_candidate_is_told_how_to_come_back(session, space, client):
    candidate = builders.make_candidate(session, CandidateStatus.WITHDRAWN)
    session.commit()
    space.open(candidate)

    assert "Pour le reprendre, contactez votre conseiller" in text(client.get("/candidat/"))
