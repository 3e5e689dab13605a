"""Every form of the candidate space: accepted, and refused with a French message beside the
field and nothing stored."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from onboarding.pathway import carers
from onboarding.pathway.models import Attendance, AuditLog, Vacancy
from onboarding.pathway.schedule import HALF_DAYS
from tests import builders
from tests.candidate.conftest import text

TODAY = builders.TODAY


# --- contact details ----------------------------------------------------------------------
def test_contact_details_are_corrected_and_audited_without_their_values(place, space, session):
    space.open(place.candidate)

    response = space.post(
        "/candidat/coordonnees",
        {"email": " Ines.D@Example.org ", "phone": "06 98 76 54 32", "address": "5 rue Neuve"},
        page="/candidat/coordonnees",
    )

    assert response.status_code == 302
    session.expire_all()
    candidate = place.candidate
    assert (candidate.email, candidate.phone, candidate.address) == (
        "Ines.D@example.org",
        "0698765432",
        "5 rue Neuve",
    )
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "candidate_update"))
    assert entry.actor_id is None
    assert entry.fields == ["address", "email", "phone"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "pas-une-adresse", "phone": "0612345678"}, "L'adresse e-mail n'est pas valide."),
        ({"email": "ines@example.org", "phone": "12"}, "Le numéro de téléphone n'est pas valide"),
        ({"email": "", "phone": ""}, "Indiquez au moins une adresse e-mail ou un numéro"),
        ({"email": "ines@example.org", "address": "x" * 250}, "L'adresse compte 200 caractères"),
    ],
)
def test_contact_details_refused_store_nothing(place, space, session, data, message):
    space.open(place.candidate)
    before = (place.candidate.email, place.candidate.phone, place.candidate.address)

    response = space.post("/candidat/coordonnees", data, page="/candidat/coordonnees")

    assert response.status_code == 200
    assert message in text(response)
    assert "fr-input-group--error" in response.get_data(as_text=True)
    session.expire_all()
    assert (place.candidate.email, place.candidate.phone, place.candidate.address) == before


def test_an_approved_carer_profile_follows_and_keeps_one_contact_shown(place, space, session):
    carer = place.approved.carer
    carer.show_email, carer.show_phone = False, True
    session.commit()
    space.open(place.approved)

    space.post(
        "/candidat/coordonnees",
        {"email": "awa@example.org", "phone": "", "address": ""},
        page="/candidat/coordonnees",
    )

    session.expire_all()
    assert (carer.phone, carer.address) == (None, None)
    assert carer.show_email is True, "the only contact left is shown (R421-39)"
    assert carer.show_address is False


def test_a_candidate_id_in_the_contact_form_changes_nothing_elsewhere(place, space, session):
    space.open(place.candidate)

    space.post(
        "/candidat/coordonnees",
        {"candidate_id": str(place.other.id), "id": str(place.other.id),
         "email": "moi@example.org", "phone": ""},
        page="/candidat/coordonnees",
    )  # fmt: skip

    session.expire_all()
    assert place.other.email == "paul@example.org"
    assert place.candidate.email == "moi@example.org"


# --- cannot attend ------------------------------------------------------------------------
def _enrollment(candidate, title):
    return next(e for e in candidate.enrollments if e.activity.title == title)


def test_saying_one_cannot_attend_excuses_the_enrollment(place, space, session):
    space.open(place.candidate)
    row = _enrollment(place.candidate, "Atelier dossier")

    response = space.post(f"/candidat/activites/{row.activity_id}/absence")

    assert response.status_code == 302
    session.expire_all()
    assert row.attendance == Attendance.EXCUSED
    assert row.excused_by_candidate is True
    other_row = _enrollment(place.other, "Atelier dossier")
    assert other_row.attendance == Attendance.PENDING
    page = text(space.client.get("/candidat/"))
    assert "C'est noté : vous ne viendrez pas à « Atelier dossier »" in page
    assert "Absence signalée" in page


def test_without_a_coordinator_she_is_not_told_one_was_warned(place, space, session):
    """Nobody is sent the notice then: the team sees the absence in its follow-up."""
    place.candidate.coordinator = None
    session.commit()
    space.open(place.candidate)
    row = _enrollment(place.candidate, "Atelier dossier")
    space.post(f"/candidat/activites/{row.activity_id}/absence")
    page = text(space.client.get("/candidat/"))
    assert "L'équipe du parcours de votre département le verra dans son suivi." in page
    assert "Votre conseiller en est prévenu" not in page


def test_out_of_the_programme_a_said_absence_is_not_taken_back(place, space, session):
    """Withdrawn after saying she would not come: the card keeps the absence, and neither the
    button nor a posted form gives her the seat back."""
    from onboarding.pathway import transitions
    from onboarding.pathway.models import WithdrawalReason

    space.open(place.candidate)
    row = _enrollment(place.candidate, "Atelier dossier")
    space.post(f"/candidat/activites/{row.activity_id}/absence")
    session.expire_all()
    assert row.attendance == Attendance.EXCUSED
    transitions.withdraw(
        session, place.candidate, actor=None, on=builders.TODAY,
        reason=WithdrawalReason.MOVED, today=builders.TODAY,
    )  # fmt: skip
    session.commit()
    seats = row.activity.seats_taken
    page = space.client.get("/candidat/").get_data(as_text=True)
    assert "Finalement, je viendrai" not in page
    space.post(f"/candidat/activites/{row.activity_id}/retour")
    session.expire_all()
    assert row.attendance == Attendance.EXCUSED
    assert row.activity.seats_taken == seats
    assert "Votre parcours est clos" in text(space.client.get("/candidat/"))


def test_the_coordinator_sees_the_excuse(place, space, session, auth, admin_user, client):
    space.open(place.candidate)
    row = _enrollment(place.candidate, "Atelier dossier")
    space.post(f"/candidat/activites/{row.activity_id}/absence")

    auth.login(admin_user.email)
    page = text(client.get(f"/admin/candidate/details/?id={place.candidate.id}"))

    assert "excusé(e) par la personne" in page


def test_a_past_activity_cannot_be_excused(place, space, session):
    space.open(place.candidate)
    past = next(e for e in place.candidate.enrollments if e.activity.date < TODAY)

    response = space.post(f"/candidat/activites/{past.activity_id}/absence")

    page = text(space.client.get(response.headers["Location"]))
    assert "Cette activité a déjà eu lieu." in page
    session.expire_all()
    assert past.attendance == Attendance.ATTENDED


def test_an_excuse_twice_is_refused_the_second_time(place, space, session):
    space.open(place.candidate)
    row = _enrollment(place.candidate, "Atelier dossier")
    space.post(f"/candidat/activites/{row.activity_id}/absence")

    response = space.post(f"/candidat/activites/{row.activity_id}/absence")

    assert "La présence à cette activité est déjà relevée." in text(
        space.client.get(response.headers["Location"])
    )


def test_forms_without_their_csrf_token_are_refused(place, space, client, session):
    space.open(place.candidate)
    row = _enrollment(place.candidate, "Atelier dossier")

    for url, data in (
        (f"/candidat/activites/{row.activity_id}/absence", {}),
        ("/candidat/coordonnees", {"email": "x@example.org"}),
        ("/candidat/deconnexion", {}),
    ):
        assert client.post(url, data=data).status_code == 400, url
    session.expire_all()
    assert row.attendance == Attendance.PENDING
    assert place.candidate.email == "ines@example.org"


# --- what parents see: the profile ----------------------------------------------------------
def _profile(**changes) -> dict:
    data = {
        "is_published": "1", "consents": "y", "presentation": "J'accueille vos enfants.",
        "postcode": "33000", "commune_name": "", "show_email": "y", "show_phone": "y",
    }  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_publishing_the_profile_records_the_consent(place, space, session):
    space.open(place.approved)

    response = space.post("/espace-assmat/profil", _profile(), page="/espace-assmat/")

    assert response.status_code == 302
    session.expire_all()
    carer = place.approved.carer
    assert carer.is_published is True
    assert carer.presentation == "J'accueille vos enfants."
    assert carer.publication_consent_version == carers.PUBLICATION_CONSENT_VERSION
    assert carer.publication_consent_at is not None
    assert "Votre profil est publié" in text(space.client.get("/espace-assmat/"))
    entry = session.scalar(select(AuditLog).where(AuditLog.action == "carer_update"))
    assert (entry.object_id, entry.actor) == (str(carer.id), None)
    assert "is_published" in entry.fields


def test_a_postcode_covering_several_communes_asks_for_the_name(place, space, session):
    space.open(place.approved)
    url = "/espace-assmat/profil"

    refused = space.post(url, _profile(postcode="33160"), page="/espace-assmat/")
    assert refused.status_code == 200
    assert (
        "Le code postal 33160 couvre plusieurs communes (Saint-Aubin-de-Médoc, "
        "Saint-Médard-en-Jalles, Salaunes)" in text(refused)
    )
    session.expire_all()
    assert place.approved.carer.commune.name == "Bordeaux"

    accepted = space.post(
        url,
        _profile(postcode="33160", commune_name="saint medard en jalles"),
        page="/espace-assmat/",
    )
    assert accepted.status_code == 302
    session.expire_all()
    carer = place.approved.carer
    assert carer.commune.name == "Saint-Médard-en-Jalles"
    assert carer.latitude == carer.commune.latitude
    assert carer.department_code == "33"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"show_email": None, "show_phone": None},
            "Laissez visible au moins un moyen de vous joindre",
        ),
        ({"consents": None}, "cochez l'accord de publication"),
        ({"postcode": "3300"}, "Le code postal compte 5 chiffres"),
        ({"postcode": "00000"}, "Aucune commune n'a ce code postal."),
        ({"presentation": "x" * 1001}, "1000 au plus"),
        ({"is_published": None}, "Choisissez si votre profil est publié ou masqué."),
    ],
)
def test_a_profile_refused_stores_nothing(place, space, session, changes, message):
    space.open(place.approved)
    carer = place.approved.carer
    before = (carer.is_published, carer.presentation, carer.commune_insee, carer.show_email)

    response = space.post("/espace-assmat/profil", _profile(**changes), page="/espace-assmat/")

    assert response.status_code == 200
    assert message in text(response)
    session.expire_all()
    assert (carer.is_published, carer.presentation, carer.commune_insee, carer.show_email) == before
    assert carer.publication_consent_at is None


def test_the_address_cannot_be_shown_when_there_is_none(place, space, session):
    space.open(place.other_approved)

    response = space.post(
        "/espace-assmat/profil",
        _profile(show_address="y", show_phone=None),
        page="/espace-assmat/",
    )

    assert "Vous n'avez pas d'adresse enregistrée" in text(response)
    session.expire_all()
    assert place.other_approved.carer.show_address is False


def test_hiding_the_profile_needs_no_consent(place, space, session):
    space.open(place.approved)

    response = space.post(
        "/espace-assmat/profil", _profile(is_published="0", consents=None),
        page="/espace-assmat/",
    )  # fmt: skip

    assert response.status_code == 302
    session.expire_all()
    assert place.approved.carer.is_published is False


# --- what parents see: places ---------------------------------------------------------------
def _vacancy(**changes) -> dict:
    data = {
        "available_from": (TODAY + timedelta(days=30)).isoformat(),
        "age_min_months": "3", "age_max_months": "36",
        "half_days": ["mon_am", "mon_pm", "thu_am"],
        "day_starts_at": "07:30", "day_ends_at": "18:00", "periscolaire": "y",
    }  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _vacancies(session) -> int:
    return session.scalar(select(func.count()).select_from(Vacancy))


def test_a_place_is_added_with_its_grid_as_a_bitmask(place, space, session):
    space.open(place.approved)

    response = space.post(
        "/espace-assmat/places/nouvelle", _vacancy(), page="/espace-assmat/places/nouvelle"
    )

    assert response.status_code == 302
    vacancy = session.scalar(select(Vacancy))
    assert vacancy.carer_id == place.approved.carer.id
    assert vacancy.half_days == 0b1000011  # Monday both, Thursday morning (bit 6)
    assert (vacancy.age_min_months, vacancy.age_max_months) == (3, 36)
    assert (vacancy.day_starts_at, vacancy.day_ends_at) == (time(7, 30), time(18, 0))
    assert vacancy.periscolaire
    assert not vacancy.early
    assert not vacancy.late
    assert "Lundi matin, Lundi après-midi, Jeudi matin" in text(space.client.get("/espace-assmat/"))


def test_hours_outside_seven_to_nineteen_count_as_atypical(place, space, session):
    space.open(place.approved)

    space.post(
        "/espace-assmat/places/nouvelle",
        _vacancy(day_starts_at="06:30", day_ends_at="20:00", half_days=list(HALF_DAYS[:2])),
        page="/espace-assmat/places/nouvelle",
    )

    vacancy = session.scalar(select(Vacancy))
    assert vacancy.early
    assert vacancy.late


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"day_starts_at": "18:00", "day_ends_at": "08:00"},
            "L'heure de fin de journée doit venir après l'heure de début.",
        ),
        (
            {"day_starts_at": "09:00", "day_ends_at": "09:00"},
            "L'heure de fin de journée doit venir après l'heure de début.",
        ),
        (
            {"day_ends_at": ""},
            "Indiquez l'heure de début et l'heure de fin de journée, ou aucune des deux.",
        ),
        ({"half_days": []}, "Cochez au moins une demi-journée de la semaine."),
        ({"half_days": ["mon_am", "moon_am"]}, "Demi-journée inconnue."),
        ({"age_min_months": "36", "age_max_months": "12"}, "la tranche d'âge est inversée"),
        ({"age_max_months": "300"}, "Les âges vont de 0 à 216 mois"),
        ({"age_min_months": "douze"}, "Indiquez un nombre entier de mois"),
        (
            {"available_from": (TODAY - timedelta(days=1)).isoformat()},
            "La date de disponibilité ne peut pas être dans le passé.",
        ),
        ({"available_from": "31/02/2026"}, "Date invalide : utilisez le format JJ/MM/AAAA"),
        ({"day_starts_at": "25:00"}, "Heure invalide"),
    ],
)
def test_a_place_refused_stores_nothing(place, space, session, changes, message):
    space.open(place.approved)

    response = space.post(
        "/espace-assmat/places/nouvelle", _vacancy(**changes), page="/espace-assmat/places/nouvelle"
    )

    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "Le formulaire n'est pas enregistré" in page
    assert _vacancies(session) == 0


def test_a_place_dated_today_is_accepted(place, space, session):
    space.open(place.approved)

    response = space.post(
        "/espace-assmat/places/nouvelle", _vacancy(available_from=TODAY.strftime("%d/%m/%Y")),
        page="/espace-assmat/places/nouvelle",
    )  # fmt: skip

    assert response.status_code == 302
    assert session.scalar(select(Vacancy.available_from)) == TODAY


def _add_place(session, carer, **changes):
    data = carers.VacancyInput(
        available_from=TODAY + timedelta(days=10), age_min_months=0, age_max_months=36,
        half_days=0b11, **changes,
    )  # fmt: skip
    vacancy = carers.add_vacancy(session, carer, data, today=TODAY)
    session.commit()
    return vacancy


def test_a_place_is_edited_and_an_upside_down_edit_changes_nothing(place, space, session):
    vacancy = _add_place(session, place.approved.carer)
    space.open(place.approved)
    url = f"/espace-assmat/places/{vacancy.id}"
    assert 'value="26/03/2026"' in space.client.get(url).get_data(as_text=True)

    refused = space.post(url, _vacancy(age_min_months="40", age_max_months="20"), page=url)
    assert "la tranche d'âge est inversée" in text(refused)
    session.expire_all()
    assert (vacancy.age_min_months, vacancy.age_max_months) == (0, 36)

    space.post(url, _vacancy(age_min_months="12", age_max_months="48"), page=url)
    session.expire_all()
    assert (vacancy.age_min_months, vacancy.age_max_months) == (12, 48)


def test_a_place_is_removed(place, space, session):
    vacancy = _add_place(session, place.approved.carer)
    space.open(place.approved)

    space.post(f"/espace-assmat/places/{vacancy.id}/supprimer", page="/espace-assmat/")

    assert _vacancies(session) == 0


def test_no_place_for_now_clears_the_places_and_confirms(place, space, session):
    _add_place(session, place.approved.carer)
    _add_place(session, place.approved.carer, night=True)
    space.open(place.approved)

    space.post("/espace-assmat/aucune-place", page="/espace-assmat/")

    assert _vacancies(session) == 0
    session.expire_all()
    assert place.approved.carer.last_confirmed_on == TODAY
    assert "Aucune place déclarée pour le moment." in text(space.client.get("/espace-assmat/"))


def test_confirming_stamps_today(place, space, session):
    space.open(place.approved)

    space.post("/espace-assmat/confirmer", page="/espace-assmat/")

    session.expire_all()
    assert place.approved.carer.last_confirmed_on == TODAY
    assert "Dernière confirmation : le 16 mars 2026." in text(space.client.get("/espace-assmat/"))


def test_a_candidate_not_yet_approved_has_no_availability_pages(place, space):
    space.open(place.candidate)

    for url in ("/espace-assmat/", "/espace-assmat/places/nouvelle"):
        assert space.client.get(url).status_code == 404
    assert "Mes disponibilités" not in text(space.client.get("/candidat/"))


# --- the twice-yearly reminder ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("today", "confirmed", "expected"),
    [
        (date(2026, 4, 30), date(2025, 11, 20), None),
        (date(2026, 5, 1), date(2025, 11, 20), (date(2026, 6, 1), False)),
        (date(2026, 5, 31), None, (date(2026, 6, 1), False)),
        (date(2026, 6, 1), date(2026, 4, 30), (date(2026, 6, 1), True)),
        (date(2026, 5, 20), date(2026, 5, 1), None),
        (date(2026, 11, 1), date(2026, 5, 10), (date(2026, 12, 1), False)),
        (date(2026, 11, 15), date(2026, 11, 2), None),
        (date(2027, 1, 10), date(2026, 10, 31), (date(2026, 12, 1), True)),
        (date(2027, 1, 10), date(2026, 11, 30), None),
    ],
)
def test_the_reminder_asks_from_may_and_november(today, confirmed, expected):
    carer = carers.Carer(last_confirmed_on=confirmed, agrement_on=date(2024, 1, 10))

    reminder = carers.availability_reminder(carer, today)

    if expected is None:
        assert reminder is None
    else:
        assert (reminder.due_on, reminder.overdue) == expected


@pytest.mark.parametrize(
    ("agrement_on", "expected"),
    [
        (date(2025, 12, 1), None),
        # Approved less than two months before 1 December: not told she is late.
        (date(2025, 11, 30), None),
        (date(2025, 10, 2), None),
        (date(2025, 9, 30), (date(2025, 12, 1), True)),
    ],
)
def test_a_deadline_before_or_just_after_the_agrement_does_not_concern_her(agrement_on, expected):
    carer = carers.Carer(last_confirmed_on=None, agrement_on=agrement_on)

    reminder = carers.availability_reminder(carer, date(2026, 3, 16))

    assert (reminder and (reminder.due_on, reminder.overdue)) == expected


def test_a_carer_never_confirmed_is_asked_to_declare(place, space):
    space.open(place.approved)

    page = text(space.client.get("/candidat/"))

    assert "Déclarer vos places (ou l'absence de place) et confirmer vos disponibilités" in page
    assert "Confirmer vos disponibilités" not in page


def test_an_overdue_confirmation_says_so(place, space, session):
    carer = place.approved.carer
    carer.agrement_on = date(2025, 6, 1)
    carer.last_confirmed_on = date(2025, 6, 20)
    session.commit()
    space.open(place.approved)

    home = text(space.client.get("/candidat/"))
    page = text(space.client.get("/espace-assmat/"))

    assert (
        "Confirmer vos disponibilités dès maintenant : c'était à faire avant le 1er décembre 2025"
        in home
    )
    assert "Vos disponibilités auraient dû être confirmées avant le 1er décembre 2025" in page


def test_the_page_asks_to_confirm_from_the_first_of_may(app, place, space, session):
    from onboarding.pathway import clock

    place.approved.carer.last_confirmed_on = date(2026, 3, 1)
    session.commit()
    space.open(place.approved)
    assert "Confirmez vos disponibilités avant" not in text(space.client.get("/espace-assmat/"))

    with clock.frozen(date(2026, 5, 2)):
        page = text(space.client.get("/espace-assmat/"))
        home = text(space.client.get("/candidat/"))

    assert "Confirmez vos disponibilités avant le 1er juin 2026" in page
    assert "Confirmer vos disponibilités avant le 1er juin 2026" in home


def test_every_page_of_the_space_names_her_coordinator(place, space, session):
    from onboarding.pathway.models import Role
    from tests import builders as b

    coordinator = b.make_staff(
        session, "claire@example.org", Role.COORDINATOR, "33", full_name="Claire Morel"
    )
    coordinator.phone = "05 56 00 11 22"
    place.approved.coordinator = coordinator
    session.commit()
    space.open(place.approved)
    for url in ("/candidat/", "/candidat/coordonnees", "/espace-assmat/"):
        page = text(space.client.get(url))
        assert "Votre contact" in page, url
        assert "Claire Morel" in page
        assert "claire@example.org" in page
        assert "05 56 00 11 22" in page
    # Her account deactivated: the pages name the team instead, as the messages do.
    coordinator.is_active = False
    session.commit()
    for url in ("/candidat/", "/espace-assmat/"):
        page = text(space.client.get(url))
        assert "Votre contact" in page, url
        assert "claire@example.org" not in page
