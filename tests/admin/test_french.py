"""Every list, details and form page of every panel view, read as an admin, is in French: no
English word (Flask-Admin's own or a column name it made up), no raw value (True, None, ISO
dates, UTC offsets, seconds, decimal points, bare bitmasks), no "1 places"."""

import json
import re
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from flask_admin.model.helpers import prettify_name
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from onboarding.admin.base import StaffModelView
from onboarding.pathway import audit, clock, immersion, outbox
from onboarding.pathway.base import Model
from onboarding.pathway.models import (
    Activity,
    ActivityKind,
    AuditAction,
    Candidate,
    ContactOutcome,
    ContactRequest,
    Mam,
    MessageKind,
    ParentReferral,
    Vacancy,
)
from onboarding.pathway.schedule import WORKING_WEEK
from tests import builders
from tests.search.conftest import make_carer

# Flask-Admin's words, and its French where it is wrong.
INTERFACE_WORDS = {
    "Edit", "Delete", "Record", "Records", "items", "item", "Save", "Cancel", "Search", "Filter",
    "Filters", "Export", "List", "Details", "Add", "New", "Apply", "Reset", "Yes", "No", "Home",
    "Select", "selected", "equals", "contains", "between", "greater", "smaller", "empty", "Create",
    "View", "Please", "true", "false", "Editer", "articles", "vaut", "objet", "objets",
}  # fmt: skip
WRONG_FRENCH = (
    "Filtres réinitialisés", "Afficher L'enregistrement", "Veuillez sélectionner le modèle",
    "Créer Nouvel Enregistrement", "Modifier enregistrement", "plus grand que", "plus petit que",
)  # fmt: skip
# Words of column names that are French too: not a sign of a missing label.
ALSO_FRENCH = {
    "Id", "Date", "Commune", "Message", "Note", "Source", "Version", "Type", "Position", "Action",
    "Description", "Latitude", "Longitude", "Population", "Code", "Part", "Dossier", "France",
    "Travail", "Parent", "Active", "Messages", "Conventions", "Place",
}  # fmt: skip
RAW_VALUES = [
    (re.compile(r"\b(True|False|None|NULL)\b"), "a Python or SQL value"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "an ISO date"),
    (re.compile(r"[+-]\d{2}:\d{2}\b"), "a UTC offset"),
    (re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b"), "a time with seconds"),
    (re.compile(r"\b\d+\.\d+\b"), "a decimal point"),
    (re.compile(r"\b1 (?!(?:mois|fois|pas|jours? ouvrés)\b)\w+s\b"), "a plural after 1"),
]
# The half-days and needs are bitmasks in the database: shown by what they mean.
BITMASK_LABELS = ("Demi-journées", "Besoins particuliers")


def english_words() -> set[str]:
    """The words Flask-Admin would make up from the models' attribute names, when unlabelled."""
    words = set(INTERFACE_WORDS)
    for mapper in Model.registry.mappers:
        for attribute in mapper.attrs:
            words.update(prettify_name(attribute.key).split())
    return words - ALSO_FRENCH


class Reader(HTMLParser):
    """What a person reads on the page: text, titles, placeholders and button captions; the
    filter menu's data (JSON in a hidden block) as the words it shows."""

    HIDDEN = {"script", "style", "textarea"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skipping = 0
        self.json_block = None
        self.details: list[list[str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self.skipping += 1
        if attrs.get("id") in ("filter-groups-data", "active-filters-data"):
            self.json_block = attrs["id"]
        if tag == "tr":
            self.details.append([])
        for name in ("title", "placeholder", "aria-label", "alt", "data-confirm"):
            if attrs.get(name):
                self.chunks.append(attrs[name])
        if tag in ("input", "button") and attrs.get("type") in ("submit", "button"):
            self.chunks.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.skipping -= 1

    def handle_data(self, data):
        if self.skipping or not data.strip():
            return
        if self.json_block:
            self.chunks.extend(self._filter_words(json.loads(data)))
            self.json_block = None
            return
        self.chunks.append(data.strip())
        if self.details:
            self.details[-1].append(data.strip())

    @staticmethod
    def _filter_words(groups):
        if isinstance(groups, list):  # the active filters: [index, name, value]
            return [str(item[1]) for item in groups]
        words = []
        for name, filters in groups.items():
            words.append(name)
            for flt in filters:
                words.append(flt["operation"])
                words.extend(label for _, label in flt["options"] or [])
        return words


def problems(html: str, english: set[str]) -> list[str]:
    reader = Reader()
    reader.feed(html)
    found = []
    for chunk in reader.chunks:
        for word in re.findall(r"[A-Za-zÀ-ÿ']+", chunk):
            if word in english:
                found.append(f"English {word!r} in {chunk!r}")
        for phrase in WRONG_FRENCH:
            if phrase in chunk:
                found.append(f"{phrase!r}")
        for pattern, what in RAW_VALUES:
            if pattern.search(chunk):
                found.append(f"{what} in {chunk!r}")
    for row in reader.details:
        if len(row) >= 2 and row[0] in BITMASK_LABELS and row[1].isdigit():
            found.append(f"a bare bitmask in {row!r}")
    return found


@pytest.fixture
def every_model(world, session):
    """Beside the panel's world: places, hours, training, a convention, the journal."""
    carer = world.approved_33.carer
    session.add(
        Vacancy(
            carer=carer, available_from=builders.TODAY, half_days=WORKING_WEEK, early=True,
            age_min_months=0, age_max_months=36,
        )
    )  # fmt: skip
    step = builders.make_step(session, ActivityKind.IMMERSION, mandatory=False)
    activity = builders.make_activity(
        session, step, on=builders.TODAY - timedelta(days=1), capacity=1
    )
    immersion.create_convention(
        session, world.candidate_33, host_name="Crèche Les Lutins", host_siret="73282932000074",
        host_tutor="Nadia Benali", host_address="3 rue des Lilas, Bordeaux",
        prescriber="France Travail Bordeaux", purpose="discover",
        starts_on=builders.TODAY - timedelta(days=1), ends_on=builders.TODAY + timedelta(days=4),
    )  # fmt: skip
    builders.attend(session, world.candidate_33, activity, hours=Decimal("1.5"))
    audit.record(
        session, actor=world.admin, action=AuditAction.UPDATE, object_type="Candidate",
        object_id=world.candidate_33.id, fields=["phone"],
    )  # fmt: skip
    outbox.enqueue(
        session, MessageKind.ENROLLMENT_INVITATION, subject_id=1, due_at=clock.now(),
        candidate_id=world.candidate_33.id,
    )  # fmt: skip
    world.request_24.half_days = WORKING_WEEK
    world.request_24.needs = 3
    world.request_24.is_job_seeker = True
    # A MAM with a published carer, and an adviser's referral to her (the last request).
    mam = Mam(
        name="MAM Les Petits Pas", address="4 rue des Écoles", commune_insee=builders.BORDEAUX
    )
    published = make_carer(session, builders.BORDEAUX, first_name="Inès", last_name="Dumas")
    published.mam = mam
    referral = ParentReferral(
        adviser=world.coordinator_33, parent_name="Sarah Benali", email="sarah@example.org",
        commune_insee=builders.BORDEAUX, is_job_seeker=True, france_travail_id="1234567A",
        consent_at=clock.now(), consent_version="2026-12-ft",
    )  # fmt: skip
    session.add(ContactRequest(
        carer=published, referral=referral, parent_name="Sarah Benali", email="sarah@example.org",
        commune_insee=builders.BORDEAUX, child_birth_date=builders.TODAY - timedelta(days=300),
        start_date=builders.TODAY + timedelta(days=20), is_job_seeker=True,
        consent_at=clock.now(), consent_version="2026-12-ft",
        outcome=ContactOutcome.CONTRACT_SIGNED,
        outcome_on=builders.TODAY, created_at=clock.now() - timedelta(days=9),
    ))  # fmt: skip
    session.commit()
    return world


def _pages(app, session):
    """Every list, details, edit and creation page of every model view, with a row each."""
    admin = app.extensions["onboarding_admin"]
    for view in admin._views:
        if not isinstance(view, StaffModelView):
            continue
        base = f"/admin/{view.endpoint}"
        yield f"{base}/"
        row = session.scalars(select(view.model).order_by(view.model.id.desc())).first()
        assert row is not None, f"no {view.model.__name__} in the data"
        key = sa_inspect(row).identity[0]
        if view.can_view_details:
            yield f"{base}/details/?id={key}"
        if view.allows_edit:
            yield f"{base}/edit/?id={key}"
        if view.allows_create:
            yield f"{base}/new/"
    # The panel's own screens: every candidate page (one a status) and activity page, the
    # bulk actions' forms, the home and the indicators.
    for candidate in session.scalars(select(Candidate)):
        yield f"/admin/candidate/details/?id={candidate.id}"
    for activity in session.scalars(select(Activity)):
        yield f"/admin/activity/details/?id={activity.id}"
    ids = ",".join(str(key) for key in session.scalars(select(Candidate.id)))
    yield f"/admin/candidate/bulk/enrol/?ids={ids}"
    yield f"/admin/candidate/bulk/withdraw/?ids={ids}"
    yield "/admin/"
    yield "/admin/indicators/"
    yield (
        "/admin/referral/nouvelle/?q=Bordeaux&commune=33063&radius_km=10&birth_date=01/06/2025"
        "&start=01/04/2026&slots=mon_am&slots=tue_am&needs=early&setting=mam"
    )
    yield "/admin/territoires/"
    yield "/admin/territoires/parcours/?type=region&code=75"
    yield "/admin/imports/"


def test_every_panel_page_reads_in_french(panel, every_model, app, session):
    english = english_words()
    panel.sign_in(every_model.admin)
    pages = list(_pages(app, session))
    assert len(pages) > 20
    found = {}
    for url in pages:
        response = panel.get(url)
        assert response.status_code == 200, url
        errors = problems(response.get_data(as_text=True), english)
        if errors:
            found[url] = sorted(set(errors))
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<td>Publiée</td><td>True</td>", "a Python or SQL value"),
        ("<td>Handled By</td>", "English 'Handled'"),
        ("<p>Reçue le 2026-11-28 16:59:00+00:00</p>", "an ISO date"),
        ("<p>3.00</p>", "a decimal point"),
        ("<p>(1 places)</p>", "a plural after 1"),
        ("<a title='Editer'>x</a>", "English 'Editer'"),
        ("<tr><td>Demi-journées</td><td>1023</td></tr>", "a bare bitmask"),
        ('<div id="filter-groups-data">{"État": [{"operation": "vaut", "options": null}]}</div>',
         "English 'vaut'"),
    ],
)  # fmt: skip
def test_the_crawler_sees_each_kind_of_problem(html, expected):
    assert any(p.startswith(expected) for p in problems(html, english_words())), expected


def test_the_crawler_lets_french_through():
    html = (
        "<tr><td>Demi-journées</td><td>Lundi matin</td></tr><p>1 place, 2 places, 1 mois, "
        "01/12/2026 à 14 h 05, 3 h 30, Oui, Non, 2026-03 (cohorte)</p>"
    )
    assert problems(html, english_words()) == []


def test_flask_admin_s_messages_after_saving_and_deleting_are_french(panel, world, session):
    from onboarding.pathway import enrollment

    item = world.candidate_33.dossier_items[0]
    row = enrollment.enroll(
        session, world.candidate_33, world.activity_33, actor=None, today=builders.TODAY
    )
    session.commit()
    panel.sign_in(world.coordinator_33)
    saved = panel.post(
        f"/admin/dossier_item/edit/?id={item.id}",
        {"status": "received", "received_on": "10/03/2026", "note": ""},
    )
    assert "Modifications enregistrées." in panel.html(saved.location)
    deleted = panel.post("/admin/enrollment/delete/", {"id": str(row.id)})
    page = panel.html(deleted.location)
    assert "Ligne supprimée." in page
    assert "objet" not in page
