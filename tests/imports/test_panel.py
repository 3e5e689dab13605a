"""The panel's "Importer" page: a file checked by a dry run whose report is a table, applied on
confirmation, for admins and coordinators in their départements; partners refused; bad files
refused in French with nothing written; the kept file is its owner's alone."""

import io
import re

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from onboarding.imports.reading import MAX_BYTES
from onboarding.pathway.models import AuditAction, AuditLog, Candidate, Carer, ImportUpload
from tests.admin.conftest import Panel, text
from tests.admin.test_french import english_words, problems
from tests.imports.files import CARER_HEADER, REFERRAL_HEADER, carer, count_rows, csv_file, referral

URL = "/admin/imports/"


@pytest.fixture
def panel(client, auth) -> Panel:
    return Panel(client, auth)


def _upload(panel, data: bytes, kind="carers", filename="liste.csv"):
    # Encoded here, in memory: the test client spools a large body to a file it never closes.
    fields = {
        "csrf_token": panel.token(),
        "type": kind,
        "fichier": FileStorage(io.BytesIO(data), filename),
    }
    boundary, body = encode_multipart(fields)
    return panel.client.post(
        URL + "verifier", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def _token(page: str) -> str:
    return re.search(r'name="jeton" value="([^"]+)"', page).group(1)


def test_check_then_confirm_a_carers_list(panel, admin_user, session):
    panel.sign_in(admin_user)
    page = text(panel.get(URL))
    assert "Importer une liste" in page
    assert "Numéro d'agrément" in page  # the columns expected are listed
    data = csv_file(CARER_HEADER, [carer(), carer(Prénom="Sandra")])
    response = _upload(panel, data)
    assert response.status_code == 200
    page = text(response)
    assert "2 lignes : 1 créée, 1 refusée." in page
    assert "Même assistante maternelle que la ligne 2 du fichier." in page
    assert "Essai à blanc : rien n'a été écrit." in page
    assert problems(response.get_data(as_text=True), english_words()) == []
    assert count_rows(session, Carer) == 0
    token = _token(page)

    refused = text(panel.post(URL + "appliquer", {"jeton": token}))
    assert "Rien n'a été écrit : des lignes sont refusées." in refused
    assert count_rows(session, Carer) == 0
    assert _token(refused) == token  # kept, to skip the refused line next

    done = panel.post(URL + "appliquer", {"jeton": token, "ignorer_refusees": "1"})
    assert done.status_code == 200
    assert "Import effectué ; les lignes refusées ont été ignorées." in text(done)
    assert "1 assistante(s) maternelle(s) invitée(s) par e-mail à ouvrir leur espace ; 0 sans" in (
        text(done)
    )
    assert count_rows(session, Carer) == 1
    assert count_rows(session, ImportUpload) == 0  # applied: the kept file is gone
    entry = session.scalar(select(AuditLog).where(AuditLog.object_type == "Carer"))
    assert (entry.action, entry.actor_id) == (AuditAction.IMPORT_CREATE.value, admin_user.id)
    again = panel.post(URL + "appliquer", {"jeton": token, "ignorer_refusees": "1"})
    assert again.status_code == 302
    assert count_rows(session, Carer) == 1


def test_a_coordinator_imports_referrals_of_her_departements(panel, coordinator_33, session):
    panel.sign_in(coordinator_33)
    rows = [referral(), referral(Nom="Périgord", **{"Identifiant France Travail": "5555555A",
            "E-mail": "", "Téléphone": "", "Commune": "Périgueux", "Code postal": ""})]  # fmt: skip
    page = text(_upload(panel, csv_file(REFERRAL_HEADER, rows), kind="referrals"))
    assert "hors de vos départements (33)" in page
    panel.post(URL + "appliquer", {"jeton": _token(page), "ignorer_refusees": "1"})
    lea = session.scalar(select(Candidate))
    assert (lea.last_name, lea.coordinator_id) == ("Martin", coordinator_33.id)
    assert count_rows(session, Candidate) == 1


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "liste.csv", "Le fichier est vide."),
        (b"%PDF-1.7\x00\x01", "liste.pdf", "Ce fichier n'est ni un CSV ni un classeur XLSX"),
        (csv_file(["Nom"], [["a"]]), "liste.csv", "Colonnes manquantes : Prénom"),
        (b"x" * (MAX_BYTES + 1), "liste.csv", "Le fichier dépasse 5 Mo"),
    ],
)
def test_bad_files_are_refused_in_french_and_nothing_is_kept(
    panel, admin_user, session, data, filename, message
):
    panel.sign_in(admin_user)
    response = _upload(panel, data, filename=filename)
    assert response.status_code == 400
    assert message in text(response)
    assert "Rien n'a été écrit." in text(response)
    assert count_rows(session, ImportUpload) == 0


def test_no_file_or_no_kind(panel, admin_user):
    panel.sign_in(admin_user)
    assert "Choisissez un fichier CSV ou XLSX." in text(
        panel.post(URL + "verifier", {"type": "carers"})
    )
    response = _upload(panel, b"a", kind="everything")
    assert response.status_code == 400
    assert "Choisissez ce que contient le fichier." in text(response)


def test_the_kept_file_is_its_owners_alone(panel, admin_user, coordinator_33, session, auth):
    panel.sign_in(coordinator_33)
    token = _token(text(_upload(panel, csv_file(CARER_HEADER, [carer()]))))
    auth.logout()
    panel.sign_in(admin_user)
    response = panel.post(URL + "appliquer", {"jeton": token})
    assert response.status_code == 302
    assert count_rows(session, Carer) == 0


def test_who_may_import(panel, client, partner_33, session):
    assert client.get(URL).status_code == 302  # to sign-in
    panel.sign_in(partner_33)
    assert panel.get(URL).status_code == 403
    assert _upload(panel, csv_file(CARER_HEADER, [carer()])).status_code == 403
    assert count_rows(session, ImportUpload) == 0


def test_the_form_needs_its_csrf_token(client, auth, admin_user, session):
    auth.login(admin_user.email)
    data = {"type": "carers", "fichier": (io.BytesIO(csv_file(CARER_HEADER, [carer()])), "l.csv")}
    response = client.post(URL + "verifier", data=data)
    assert response.status_code == 400
    assert count_rows(session, ImportUpload) == 0
