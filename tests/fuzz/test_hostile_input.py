"""Hostile input against every public endpoint and every form of the panel (hypothesis): very long
strings, unicode, SQL and HTML metacharacters, wrong types, negative numbers, far dates and
duplicated parameters. Never a 5xx, nothing stored when a form is refused, no unescaped echo.

The targets are data, one line each in TARGETS (a GET with its query parameters, or a form whose
fields are read from its page): the public pages, the parents' search and its API, the candidate
space's forms (posted from a session opened by the candidate's personal link) and the panel."""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from onboarding.admin.forms import INPUTS
from onboarding.candidate.links import new_personal_link
from onboarding.extensions import db, limiter
from onboarding.pathway.base import Model
from onboarding.pathway.models import Candidate
from tests.admin.conftest import World
from tests.conftest import csrf_token_from

# A tag no page ever contains: seeing it raw in a response means the input was echoed unescaped.
MARKER = "<x-fuzz"
HOSTILE_SAMPLES = [
    "",
    " ",
    "0",
    "-1",
    "-999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "²",
    "٣",
    "1e309",
    "NaN",
    "Infinity",
    "3,5",
    "0001-01-01",
    "9999-12-31",
    "31/12/9999",
    "01/01/0001",
    "2026-02-30",
    "' OR '1'='1",
    "'; DROP TABLE candidate; --",
    '" OR ""="',
    "%' AND 1=1 --",
    "\\",
    "%00",
    "../../etc/passwd",
    "{{ 7*7 }}",
    "${7*7}",
    f'{MARKER} onmouseover="alert(1)">',
    f'"><{MARKER[1:]}>',
    f"</textarea>{MARKER}>",
    "javascript:alert(1)",
    "Zoë Ñúñez-Łukasz 山田 🧸",
    "\u202eRTL\u200b\ufeff",
    "A" * 5000,
    "é" * 300,
    "true",
    "null",
    "[]",
    "{}",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_SAMPLES),
    st.text(max_size=80),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
        min_size=200,
        max_size=400,
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.builds(lambda a, b: f"{a}{MARKER}>{b}", st.text(max_size=10), st.text(max_size=10)),
)


def hostile_form(names: list[str]):
    """Values for the named fields, sometimes a field left out, sometimes sent twice."""
    return st.lists(
        st.tuples(st.sampled_from(names), hostile_text), min_size=1, max_size=2 * len(names) + 2
    )


@dataclass(frozen=True)
class Target:
    """One endpoint. `path` builds the URL from the test world; for a form, `fields` are read
    from the page at `form_page` unless given."""

    name: str
    method: str
    path: Callable[[World], str]
    fields: tuple[str, ...] = ()
    form_page: Callable[[World], str] | None = None
    signed_in: bool = True
    keep: tuple[str, ...] = field(default=())  # fields sent with their page's value
    # For the candidate space: whose personal link opens the session the requests are sent in.
    candidate: Callable[[World], Candidate] | None = None


COURSE_FIELDS = ("part", "block", "hours", "includes_first_aid", "completed_on", "provider")
LIST_PARAMETERS = ("search", "sort", "desc", "page", "page_size", "flt0_0", "flt1_1", "flt2_5")


def _list(endpoint: str) -> Target:
    return Target(f"list {endpoint}", "GET", lambda w: f"/admin/{endpoint}/", LIST_PARAMETERS)


def _create(endpoint: str) -> Target:
    return Target(
        f"create {endpoint}",
        "POST",
        lambda w: f"/admin/{endpoint}/new/",
        form_page=lambda w: f"/admin/{endpoint}/new/",
    )


def _edit(endpoint: str, row: Callable[[World], int]) -> Target:
    def path(w):
        return f"/admin/{endpoint}/edit/?id={row(w)}"

    return Target(f"edit {endpoint}", "POST", path, form_page=path)


def _transition(name: str) -> Target:
    return Target(
        f"transition {name}",
        "POST",
        lambda w: f"/admin/candidate/transition/{w.candidate_33.id}/{name}",
        INPUTS[name] or ("on",),
    )


SEARCH_PARAMETERS = ("commune", "radius_km", "birth_date", "start", "slots", "needs", "page")


def _public(name: str, path: Callable[[World], str], fields: tuple[str, ...]) -> Target:
    return Target(name, "GET", path, fields, signed_in=False)


def _space(name: str, path: Callable[[World], str], page: str, who, fields=()) -> Target:
    """A form of the candidate space, posted in the session the candidate's link opened."""
    return Target(
        name, "POST", path, tuple(fields), form_page=lambda w: page, signed_in=False, candidate=who
    )


def _in_pathway(w: World) -> Candidate:
    return w.candidate_33


def _approved(w: World) -> Candidate:
    return w.approved_33


# The panel's model views with create and edit forms (the audit log is read-only).
EDITABLE_VIEWS = (
    "candidate",
    "activity",
    "enrollment",
    "dossier_item",
    "decision",
    "carer",
    "vacancy",
    "contact_request",
    "staff_user",
    "pathway_step",
)

TARGETS = [
    # Public pages.
    Target("home", "GET", lambda w: "/", ("q", "page", "id"), signed_in=False),
    Target("healthz", "GET", lambda w: "/healthz", ("verbose",), signed_in=False),
    Target("legal notice", "GET", lambda w: "/mentions-legales", ("x",), signed_in=False),
    Target("personal data", "GET", lambda w: "/donnees-personnelles", ("x",), signed_in=False),
    Target("accessibility", "GET", lambda w: "/accessibilite", ("x",), signed_in=False),
    Target(
        "sign-in",
        "POST",
        lambda w: "/auth/login",
        ("email", "password", "next"),
        form_page=lambda w: "/auth/login",
        signed_in=False,
    ),
    Target(
        "forgotten password",
        "POST",
        lambda w: "/auth/mot-de-passe-oublie",
        ("email",),
        form_page=lambda w: "/auth/mot-de-passe-oublie",
        signed_in=False,
    ),
    Target(
        "second factor enrolment",
        "POST",
        lambda w: "/auth/second-facteur/activation",
        ("code",),
        form_page=lambda w: "/auth/second-facteur/activation",
    ),
    # The parents' search, a carer's page and its contact form, and the JSON API.
    _public("search", lambda w: "/recherche", ("q", *SEARCH_PARAMETERS)),
    _public("carer page", lambda w: f"/assmat/{w.public_carer.id}", SEARCH_PARAMETERS),
    Target(
        "contact request",
        "POST",
        lambda w: f"/assmat/{w.public_carer.id}",
        form_page=lambda w: f"/assmat/{w.public_carer.id}",
        signed_in=False,
    ),
    _public(
        "contact sent", lambda w: f"/assmat/{w.public_carer.id}/demande-envoyee", ("prevenue",)
    ),
    Target(
        "pre-registration",
        "POST",
        lambda w: "/devenir-assistant-maternel",
        form_page=lambda w: "/devenir-assistant-maternel",
        signed_in=False,
    ),
    _public("API carers", lambda w: "/api/v1/carers", SEARCH_PARAMETERS),
    _public("API communes", lambda w: "/api/v1/communes", ("q",)),
    # The candidate space's forms.
    _space(
        "space contact details",
        lambda w: "/candidat/coordonnees",
        "/candidat/coordonnees",
        _in_pathway,
    ),
    _space(
        "space cannot attend",
        lambda w: f"/candidat/activites/{w.own_activity.id}/absence",
        "/candidat/",
        _in_pathway,
        ("confirm", "id"),
    ),
    _space(
        "space profile",
        lambda w: "/espace-assmat/profil",
        "/espace-assmat/",
        _approved,
    ),
    _space(
        "space vacancy add",
        lambda w: "/espace-assmat/places/nouvelle",
        "/espace-assmat/places/nouvelle",
        _approved,
    ),
    _space(
        "space vacancy edit",
        lambda w: f"/espace-assmat/places/{w.own_vacancy.id}",
        "/espace-assmat/places/nouvelle",
        _approved,
    ),
    _space(
        "space confirm",
        lambda w: "/espace-assmat/confirmer",
        "/espace-assmat/",
        _approved,
        ("confirm", "date"),
    ),
    _space(
        "space no place",
        lambda w: "/espace-assmat/aucune-place",
        "/espace-assmat/",
        _approved,
        ("confirm", "date"),
    ),
    # The panel: lists with their query parameters, pages taking an id.
    *[_list(e) for e in (*EDITABLE_VIEWS, "audit_log")],
    Target("candidate page", "GET", lambda w: "/admin/candidate/details/", ("id",)),
    Target("activity page", "GET", lambda w: "/admin/activity/details/", ("id",)),
    Target(
        "indicators",
        "GET",
        lambda w: "/admin/indicators/",
        ("departement", "cohorte", "debut", "fin"),
    ),
    # Every create and edit form of the model views.
    *[_create(e) for e in EDITABLE_VIEWS],
    _edit("candidate", lambda w: w.candidate_33.id),
    _edit("activity", lambda w: w.activity_33.id),
    _edit("carer", lambda w: w.carer_24.id),
    _edit("contact_request", lambda w: w.request_24.id),
    _edit("staff_user", lambda w: w.coordinator_24.id),
    # The panel's own forms.
    Target(
        "roll call",
        "POST",
        lambda w: f"/admin/activity/roll-call/{w.past_activity_33.id}",
        form_page=lambda w: f"/admin/activity/details/?id={w.past_activity_33.id}",
    ),
    Target(
        "enrol", "POST", lambda w: f"/admin/activity/enrol/{w.activity_33.id}", ("candidate_id",)
    ),
    *[_transition(name) for name in INPUTS],
    Target("bulk enrol", "POST", lambda w: "/admin/candidate/bulk/enrol/", ("ids", "activity_id")),
    # The pathway records of the candidate page.
    *[
        Target(
            f"record {kind}",
            "POST",
            lambda w, kind=kind: f"/admin/candidate/{w.approved_33.id}/{kind}/",
            fields,
        )
        for kind, fields in (
            (
                "convention",
                (
                    "host_name",
                    "host_siret",
                    "host_tutor",
                    "host_address",
                    "prescriber",
                    "purpose",
                    "starts_on",
                    "ends_on",
                    "renewal_of",
                ),
            ),
            ("training/course", COURSE_FIELDS),
            ("training/evaluation", ("result", "completed_on")),
            ("renewal/request", ("on",)),
            (
                "renewal/decision",
                ("decided_on", "outcome", "capacity", "has_cap_aepe_units", "reason"),
            ),
            ("bonus/request", ("on",)),
            ("bonus/payment", ("on",)),
        )
    ],
    Target(
        "training session",
        "POST",
        lambda w: "/admin/candidate/training-session/",
        (*COURSE_FIELDS, "candidate_ids"),
        form_page=lambda w: "/admin/candidate/training-session/",
    ),
    Target(
        "bulk withdraw",
        "POST",
        lambda w: "/admin/candidate/bulk/withdraw/",
        ("ids", "on", "withdrawal_reason", "note"),
    ),
]

FIELD_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
NOT_FUZZED = {"csrf_token", "url", "_continue_editing", "_add_another"}


def _form_fields(client, url: str) -> list[str]:
    """The fields of the form on that page; a view that offers no such form (creation closed)
    still gets hostile posts, with made-up field names."""
    page = client.get(url)
    if page.status_code != 200:
        return ["id", "name", "candidate", "activity"]
    names = sorted(set(FIELD_NAME.findall(page.get_data(as_text=True))) - NOT_FUZZED)
    assert names, f"no form fields found on {url}"
    return names


def _row_counts() -> dict[str, int]:
    """Every table's row count (but the communes'), in one statement."""
    tables = [
        table
        for table in Model.metadata.sorted_tables
        if table.name not in {"commune", "commune_postcode"}
    ]
    counts = select(
        *(select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables)
    )
    return dict(db.session.execute(counts).one()._mapping)


def _assert_safe(response, what: str) -> None:
    assert response.status_code < 500, (what, response.status_code)
    body = response.get_data(as_text=True)
    assert MARKER not in body, f"{what}: input echoed unescaped"


def _open_space(client, candidate: Candidate) -> None:
    url = new_personal_link(candidate)
    db.session.commit()
    assert client.get(url.removeprefix("http://localhost")).status_code == 302


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_hostile_input_is_refused_cleanly(fuzz_app, client, auth, hostile_world, target):
    world = hostile_world
    if target.signed_in:
        assert auth.login(world.admin.email).status_code == 302
    if target.candidate is not None:
        _open_space(client, target.candidate(world))
        # The session is open: the hostile posts reach the form, not the no-access page.
        assert client.get(target.form_page(world)).status_code == 200, target.name
    names = list(target.fields)
    if target.form_page is not None and not names:
        names = _form_fields(client, target.form_page(world))
    path = target.path(world)

    def attempt(values):
        limiter.reset()
        if target.method == "GET":
            response = client.get(path, query_string=MultiDict(values))
            _assert_safe(response, target.name)
            return
        page = target.form_page(world) if target.form_page else "/auth/logout"
        if client.get(page).status_code != 200:
            page = "/auth/logout"
        if not target.signed_in and target.form_page is None:
            page = "/auth/login"
        token = csrf_token_from(client.get(page).get_data(as_text=True))
        db.session.remove()
        before = _row_counts()
        response = client.post(path, data=MultiDict([("csrf_token", token), *values]))
        _assert_safe(response, target.name)
        db.session.remove()
        if response.status_code != 302:
            # Refused (the form again, or an error page): nothing was written, audit included.
            assert _row_counts() == before, target.name
        else:
            location = response.headers["Location"]
            if location.startswith(("/", "http://localhost")):
                # Flash messages show on the next page: they must not echo raw input either.
                _assert_safe(client.get(location), f"{target.name} → {location}")
        if target.signed_in and "/auth/login" in response.headers.get("Location", ""):
            auth.login(world.admin.email)

    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        # The same examples on every run: CI failures reproduce.
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(values=hostile_form(names))
    def check(values):
        attempt(values)

    # Whatever the examples drawn, every field is sent the marker once: an echo is always seen.
    for name in names:
        attempt([(name, f"{MARKER}>&")])
    check()


def test_the_marker_would_be_caught(fuzz_app, client):
    """The echo check can fail: a route that echoes raw input is caught."""

    @fuzz_app.route("/test-echo")
    def echo():
        from flask import request

        return request.args.get("q", "")

    response = client.get("/test-echo", query_string={"q": f"{MARKER}>"})
    with pytest.raises(AssertionError, match="unescaped"):
        _assert_safe(response, "echo")


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/recherche", {"q": "Bor\x00deaux"}),
        ("GET", "/api/v1/communes", {"q": "\x00"}),
        ("GET", "/admin/carer/", {"search": "\x00"}),
        ("GET", "/admin/audit_log/", {"flt0_0\x00": "x"}),
        ("POST", "/admin/staff_user/new/", {"email": "a\x00@example.org", "full_name": "A"}),
    ],
)
def test_a_nul_character_is_refused_on_every_backend(
    fuzz_app, client, auth, world, method, path, data
):
    """PostgreSQL cannot store or compare a NUL: it is a 400 with nothing written, not a 500."""
    assert auth.login(world.admin.email).status_code == 302
    if method == "GET":
        response = client.get(path, query_string=data)
    else:
        token = csrf_token_from(client.get(path).get_data(as_text=True))
        db.session.remove()
        before = _row_counts()
        response = client.post(path, data={"csrf_token": token, **data})
        db.session.remove()
        assert _row_counts() == before
    assert response.status_code == 400
    if response.is_json:
        body = response.get_json()
        assert (body["error"], body["parameter"]) == ("invalid_parameter", "q")
        assert "caractère nul" in body["message"]
    else:
        assert "Requête invalide" in html.unescape(response.get_data(as_text=True))
