"""A whole pathway played in Chromium by a coordinator, through the panel only: from referring a
job seeker to "En activité", then the renewal of her agrément for 10 years, years later.

Only what a coordinator does not do belongs to the setup: her own account and the configured
steps of the pathway. Everything else is typed into the panel's forms, as a person would: the
activities, the referral, the convention, the enrolments and roll calls, the dossier and its
pieces, the decisions, the training, the renewal. The app's clock follows the story, each
chapter on its own day. Every step is read back from the page's French message before the next
one starts, the law's refusals met on the way included; at the end the database says the same.
Any Content-Security-Policy violation fails the test (the `page` fixture)."""

import re
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from onboarding.extensions import db
from onboarding.pathway import clock
from onboarding.pathway.models import (
    ActivityKind,
    Attendance,
    Candidate,
    CandidateStatus,
    DossierItemKind,
    DossierItemStatus,
    ImmersionConvention,
    Role,
    TrainingKind,
)
from tests import builders
from tests.browser.panel.conftest import sign_in

COORDINATOR = "claire.coordinatrice@example.org"
FIRST_NAME, LAST_NAME = "Inès", "Parcourue"
FULL_NAME = f"{FIRST_NAME} {LAST_NAME}"
HOST, SIRET = "MAM Les Petits Pas", "73282932000074"
INFORMATION, IMMERSION, COACHING = (
    "Réunion d'information collective",
    "Immersion chez une assistante maternelle",
    "Ateliers collectifs",
)


@pytest.fixture
def setting(session):
    """The coordinator's account and the configured pathway: three mandatory steps, the third
    (two workshops) left undone by the story, so that filing the dossier asks for a reason."""
    builders.make_staff(
        session, COORDINATOR, Role.COORDINATOR, "33", full_name="Claire Coordinatrice"
    )
    builders.make_step(session, ActivityKind.INFORMATION, title=INFORMATION)
    builders.make_step(session, ActivityKind.IMMERSION, title=IMMERSION)
    builders.make_step(session, ActivityKind.COACHING, title=COACHING, sessions=2)
    session.commit()


# --- how a person works the panel --------------------------------------------------------
def _field(page, label: str):
    """A model form's input by its label, which Flask-Admin ends with " *" when required."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}[\s*]*$"))


def _submit(page, button) -> None:
    """Click a form's button and wait for the page the server answers with (after redirects)."""
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state("load")


def _says(page, text: str = "") -> None:
    """The page shows this success message and no refusal; without `text`, any success message
    (Flask-Admin's own, after saving one of its forms)."""
    alerts = page.locator(".fr-alert").all_inner_texts()
    said = page.locator(".fr-alert--success").all_inner_texts()
    assert any(text in alert for alert in said), f"expected « {text} », the page says {alerts}"
    assert page.locator(".fr-alert--error").count() == 0, alerts


def _open(page, summary: str):
    """The <details> whose summary reads `summary`, opened as a person does (click once)."""
    details = page.locator("details", has=page.locator("summary", has_text=summary)).first
    if not details.evaluate("d => d.open"):
        details.locator("summary").first.click()
    return details


def _transition(page, label: str, inputs: dict[str, str]) -> None:
    """One of the candidate page's actions: its inputs typed, its button pressed."""
    form = _open(page, label).locator("form")
    for name, value in inputs.items():
        form.get_by_label(name, exact=True).fill(value)
    _submit(page, form.get_by_role("button", name=label))


def _text(locator) -> str:
    """What a part of the page says, spaces collapsed, letters as written (not as styled)."""
    return " ".join(locator.text_content().split())


def _status(page) -> str:
    return _text(page.locator(".badge-status"))


def _choose(page, select_id: str, shown: str, typed: str = "") -> None:
    """A Flask-Admin select2 list or ajax lookup: open it, type part of the name, pick."""
    page.locator(f"#s2id_{select_id} a.select2-choice").click()
    if typed:
        page.keyboard.type(typed)
    page.locator(".select2-drop-active .select2-result-selectable", has_text=shown).first.click()


def _create_activity(page, step: str, title: str, day: str, start: str, end: str, **more) -> str:
    """Through the panel's creation form; returns the new activity's page (its URL)."""
    page.goto("/admin/activity/new/")
    _choose(page, "step", step)
    _field(page, "Intitulé").fill(title)
    _field(page, "Date").fill(day)
    _field(page, "Début").fill(start)
    _field(page, "Fin").fill(end)
    _field(page, "Lieu").fill(more.pop("place"))
    _choose(page, "commune", "Bordeaux (", typed="Bordeaux")
    _field(page, "Places").fill("8")
    for label, value in more.items():
        _field(page, label).fill(value)
    _submit(page, page.get_by_role("button", name="Enregistrer", exact=True))
    _says(page)
    # The new activity is found in the list by its title, and its page opened from there.
    page.goto("/admin/activity/")
    _field(page, "Rechercher").fill(title)
    _submit(page, page.get_by_role("button", name="Chercher"))
    rows = page.locator("table.model-list tbody tr", has_text=title)
    assert rows.count() == 1, page.locator("table.model-list").inner_text()
    _submit(page, rows.first.locator("a[href*='/details/']").first)
    assert _text(page.locator("h1")) == title
    return page.url


def _enrol(page, candidate_page: str, title: str) -> None:
    """Her enrolment from her page: the activities to come of her département, with seats."""
    page.goto(candidate_page)
    section = page.locator("section[aria-labelledby=enrol]")
    row = section.locator("tr", has_text=title)
    assert row.count() == 1, section.inner_text()
    _submit(page, row.get_by_role("button"))


def _roll_call(page, activity: str) -> None:
    """On the activity's page: she was there."""
    page.goto(activity)
    page.get_by_label(f"{FULL_NAME} : Présent", exact=True).check()
    _submit(page, page.get_by_role("button", name="Enregistrer les présences"))
    _says(page, "Présences enregistrées pour 1 personne.")


def test_a_coordinator_plays_a_whole_pathway_in_the_panel(page, setting):
    """Each chapter happens on its own day: the app's clock follows the story."""
    session = db.session
    sign_in(page, COORDINATOR)

    with clock.frozen(date(2025, 9, 1)):
        # Refer a job seeker; her page opens from the list.
        page.goto("/admin/candidate/new/")
        _field(page, "Prénom").fill(FIRST_NAME)
        _field(page, "Nom").fill(LAST_NAME)
        _field(page, "Date de naissance").fill("14/05/1990")
        _field(page, "E-mail").fill("ines.parcourue@example.org")
        _field(page, "Téléphone").fill("06 12 34 56 78")
        _choose(page, "commune", "Bordeaux (", typed="Bordeaux")
        _choose(page, "referral_source", "France Travail")
        _field(page, "Date d'orientation").fill("01/09/2025")
        _field(page, "Demandeur d'emploi").check()
        _field(page, "Identifiant France Travail").fill("1234567A")
        _field(page, "Nombre d'enfants demandé").fill("4")
        _submit(page, page.get_by_role("button", name="Enregistrer", exact=True))
        _says(page)
        page.goto("/admin/candidate/")
        _field(page, "Rechercher").fill(LAST_NAME)
        _submit(page, page.get_by_role("button", name="Chercher"))
        rows = page.locator("table.model-list tbody tr", has_text=LAST_NAME)
        assert rows.count() == 1, page.locator("table.model-list").inner_text()
        _submit(page, rows.first.locator("a[href*='/details/']").first)
        candidate_page = page.url
        assert _text(page.locator("h1")) == FULL_NAME
        assert _status(page) == "Orientation reçue"
        _transition(page, "Démarrer le parcours", {"Date": "01/09/2025"})
        _says(page, "Statut : En parcours")

        # The activities of the autumn, scheduled through the panel.
        meeting = _create_activity(
            page, INFORMATION, "Réunion d'information de septembre", "15/09/2025", "09:30",
            "12:00", place="Agence France Travail Bastide",
        )  # fmt: skip
        immersion = _create_activity(
            page, IMMERSION, "Immersion à la MAM Les Petits Pas", "06/10/2025", "09:00", "17:00",
            place=HOST, **{"Structure d'accueil (immersion)": HOST, "SIRET de la structure": SIRET},
        )  # fmt: skip

        # Her enrolment in the information meeting, from its page; the immersion is refused
        # while no PMSMP convention with its host covers the day (she is a job seeker).
        _enrol(page, candidate_page, "Réunion d'information de septembre")
        _says(page, f"{FULL_NAME} est inscrit(e) à « Réunion d'information de septembre »")
        _enrol(page, candidate_page, "Immersion à la MAM Les Petits Pas")
        refusal = _text(page.locator(".fr-alert--error"))
        assert "une convention PMSMP avec MAM Les Petits Pas couvrant le 06/10/2025" in refusal
        # Enrolled in the meeting (no longer offered), not in the immersion (still offered).
        page.goto(candidate_page)
        offered = _text(page.locator("section[aria-labelledby=enrol]"))
        assert "Réunion d'information de septembre" not in offered
        assert "Immersion à la MAM Les Petits Pas" in offered

    with clock.frozen(date(2025, 9, 15)):
        # The meeting's roll call, on its day.
        _roll_call(page, meeting)

        # Her PMSMP convention, recorded from her page; then her enrolment in the immersion.
        page.goto(candidate_page)
        _open(page, "Enregistrer une convention PMSMP")
        form = page.locator("section[aria-labelledby=conventions] form")
        form.get_by_label("Structure d'accueil (nom)").fill(HOST)
        form.get_by_label("SIRET de la structure d'accueil").fill("732 829 320 00074")
        form.get_by_label("Tuteur ou tutrice dans la structure").fill("Sophie Tutrice")
        form.get_by_label("Adresse du lieu d'immersion").fill("3 rue des Lilas, 33000 Bordeaux")
        form.get_by_label("Prescripteur (structure et conseiller)").fill("France Travail Bastide")
        form.get_by_label("Objet de l'immersion").select_option(label="Découvrir un métier")
        form.get_by_label("Premier jour").fill("01/10/2025")
        form.get_by_label("Dernier jour").fill("31/10/2025")
        _submit(page, form.get_by_role("button", name="Enregistrer la convention"))
        _says(page, "La convention PMSMP est enregistrée.")
        conventions = _text(page.locator("section[aria-labelledby=conventions]"))
        assert f"{HOST} (SIRET {SIRET}), du 01/10/2025 au 31/10/2025" in conventions
        _enrol(page, candidate_page, "Immersion à la MAM Les Petits Pas")
        _says(page, f"{FULL_NAME} est inscrit(e) à « Immersion à la MAM Les Petits Pas »")

    with clock.frozen(date(2025, 10, 6)):
        # The immersion's roll call, on its day.
        _roll_call(page, immersion)

    with clock.frozen(date(2025, 11, 5)):
        # The dossier was filed with the PMI on 3 November although the workshops were not
        # followed: the programme asks why, and records it.
        page.goto(candidate_page)
        filing = _open(page, "Enregistrer le dépôt du dossier")
        assert f"{COACHING} (2 séances à suivre)" in _text(filing)
        assert INFORMATION not in _text(filing)
        assert IMMERSION not in _text(filing)
        _transition(
            page, "Enregistrer le dépôt du dossier",
            {"Date": "03/11/2025",
             "Pourquoi le dossier est-il déposé malgré ces étapes ?":
                "Ateliers complets cet automne."},
        )  # fmt: skip
        _says(page, "Statut : Dossier déposé")

        # The pieces ticked on her page (the residence permit does not concern her).
        page.goto(candidate_page)
        for kind in DossierItemKind:
            state = page.get_by_label(f"État : {kind.label}", exact=True)
            if kind == DossierItemKind.RESIDENCE_PERMIT:
                state.select_option(value="not_applicable")
            else:
                state.select_option(value="received")
                page.get_by_label(f"Reçue le, JJ/MM/AAAA : {kind.label}", exact=True).fill(
                    "05/11/2025"
                )
        _submit(page, page.get_by_role("button", name="Enregistrer les pièces"))
        _says(page, "Pièces du dossier enregistrées")
        dossier = page.locator("section[aria-labelledby=dossier]")
        received = [
            field.input_value()
            for field in dossier.locator("input[name^='on-']").all()
            if field.input_value()
        ]
        assert received == ["05/11/2025"] * (len(DossierItemKind) - 1), received

    with clock.frozen(date(2025, 11, 10)):
        # The dossier declared complete: the legal clocks start.
        page.goto(candidate_page)
        _transition(page, "Déclarer le dossier complet", {"Date": "10/11/2025"})
        _says(page, "Statut : Évaluation PMI en cours")

    with clock.frozen(date(2025, 12, 15)):
        # The agrément, for 3 children: the law wants that restriction motivated in writing.
        page.goto(candidate_page)
        grant = {
            "Date de la décision": "15/12/2025", "Nombre d'enfants accueillis simultanément": "3"
        }  # fmt: skip
        _transition(page, "Enregistrer l'agrément", grant)
        refusal = _text(page.locator(".fr-alert--error"))
        assert "moins de 4 enfants est une restriction qui doit être motivée" in refusal
        assert _status(page) == "Évaluation PMI en cours"
        _transition(
            page, "Enregistrer l'agrément",
            {**grant, "Motivation écrite": "Surface du logement : trois enfants au plus."},
        )  # fmt: skip
        _says(page, "Statut : Agrément obtenu")
        agrement = _text(page.locator("section[aria-labelledby=agrement]"))
        assert "Valable jusqu'au 14 décembre 2030" in agrement, agrement
        # No child before part 1 of the training is done.
        _transition(page, "Enregistrer l'accueil du premier enfant", {"Date": "15/12/2025"})
        refusal = _text(page.locator(".fr-alert--error"))
        assert "Aucun enfant ne peut être accueilli avant la fin de la première partie" in refusal
        assert _status(page) == "Agrément obtenu"

    with clock.frozen(date(2026, 2, 20)):
        # Part 1 of the training, in its three blocks, then its evaluation.
        page.goto(candidate_page)
        for block, hours, first_aid, ended in (("1", "35", True, "16/01/2026"),
                                               ("2", "25", False, "30/01/2026"),
                                               ("3", "20", False, "13/02/2026")):  # fmt: skip
            course = _open(page, "Enregistrer des heures de formation").locator("form")
            course.get_by_label("Partie de la formation").select_option(
                label="Première partie (80 h)"
            )
            course.get_by_label("Bloc (première partie)").select_option(block)
            course.get_by_label("Heures suivies").fill(hours)
            if first_aid:
                course.get_by_label("Dont les premiers secours (bloc 1)").check()
            course.get_by_label("Date de fin de la session").fill(ended)
            course.get_by_label("Organisme de formation").fill("Institut Petite Enfance")
            _submit(page, course.get_by_role("button", name="Enregistrer les heures"))
            _says(page, "Les heures de formation sont enregistrées.")
        training = page.locator("section[aria-labelledby=training]")
        total = training.locator("tfoot tr").locator("th, td").all_text_contents()
        assert total == ["Total", "80 h", "80 h"], _text(training)
        evaluation = _open(page, "Enregistrer l'évaluation de la première partie").locator("form")
        evaluation.get_by_label("Résultat de l'évaluation").select_option(label="Réussie")
        evaluation.get_by_label("Date de l'évaluation").fill("20/02/2026")
        _submit(page, evaluation.get_by_role("button", name="Enregistrer l'évaluation"))
        _says(page, "L'évaluation est enregistrée.")
        assert "Première partie terminée le 20 février 2026" in _text(training)

    with clock.frozen(date(2026, 3, 2)):
        # Her first child: she is at work.
        page.goto(candidate_page)
        _transition(page, "Enregistrer l'accueil du premier enfant", {"Date": "02/03/2026"})
        _says(page, "Statut : En activité")
        assert _status(page) == "En activité"

    with clock.frozen(date(2030, 9, 2)):
        # Years later, the renewal, with units EP1 and EP3 of the CAP AEPE: 10 years more
        # from the end of the first agrément.
        page.goto(candidate_page)
        request = _open(page, "Enregistrer une demande de renouvellement").locator("form")
        request.get_by_label("Demande de renouvellement reçue le").fill("01/08/2030")
        _submit(
            page, request.get_by_role("button", name="Enregistrer la demande de renouvellement")
        )
        _says(page, "La demande de renouvellement est enregistrée.")
        decision = _open(page, "Enregistrer la décision de renouvellement").locator("form")
        decision.get_by_label("Date de la décision").fill("02/09/2030")
        decision.get_by_label("Décision", exact=True).select_option(label="Renouvellement accordé")
        decision.get_by_label("Nombre d'enfants accueillis simultanément").fill("4")
        decision.get_by_label("Unités EP1 et EP3 du CAP AEPE obtenues (validité 10 ans)").check()
        _submit(
            page, decision.get_by_role("button", name="Enregistrer la décision de renouvellement")
        )
        _says(page, "La décision de renouvellement est enregistrée.")
        assert "Agrément valable jusqu'au 14/12/2040." in _text(page.locator("main"))
        agrement = _text(page.locator("section[aria-labelledby=agrement]"))
        assert "Valable jusqu'au 14 décembre 2040" in agrement, agrement
        assert "4 enfants simultanément" in agrement
        assert "CAP AEPE : oui" in agrement
        assert _status(page) == "En activité"

    # What the panel said is what the database holds.
    session.expire_all()
    candidate = session.scalars(select(Candidate).where(Candidate.last_name == LAST_NAME)).one()
    assert candidate.status == CandidateStatus.ACTIVE
    assert (candidate.referred_on, candidate.is_job_seeker) == (date(2025, 9, 1), True)
    assert session.query(ImmersionConvention).filter_by(candidate_id=candidate.id).count() == 1
    assert sorted((e.activity.title, e.attendance) for e in candidate.enrollments) == [
        ("Immersion à la MAM Les Petits Pas", Attendance.ATTENDED),
        ("Réunion d'information de septembre", Attendance.ATTENDED),
    ]
    filed = next(log for log in candidate.transitions if log.name == "file_dossier")
    assert filed.effective_on == date(2025, 11, 3)
    assert "Motif : Ateliers complets cet automne." in filed.note
    assert {item.status for item in candidate.dossier_items} == {
        DossierItemStatus.RECEIVED, DossierItemStatus.NOT_APPLICABLE,
    }  # fmt: skip
    assert candidate.dossier_complete_on == date(2025, 11, 10)
    courses = [t for t in candidate.trainings if t.kind == TrainingKind.COURSE]
    assert sum(t.hours for t in courses) == 80
    assert [t.passed for t in candidate.trainings if t.kind == TrainingKind.EVALUATION] == [True]
    carer = candidate.carer
    assert (carer.agrement_on, carer.first_child_on) == (date(2025, 12, 15), date(2026, 3, 2))
    first, renewal = sorted(candidate.decisions, key=lambda d: d.decided_on)
    assert (first.capacity, first.valid_until, first.is_renewal) == (3, date(2030, 12, 14), False)
    # The renewal runs from the day after the first agrément ends, for 10 years.
    renewal_starts = first.valid_until + relativedelta(days=1)
    assert renewal.is_renewal
    assert renewal.capacity == 4
    assert renewal.valid_until == renewal_starts + relativedelta(years=10, days=-1)
    assert carer.agrement_expires_on == renewal.valid_until == date(2040, 12, 14)
    assert candidate.has_cap_aepe_units
