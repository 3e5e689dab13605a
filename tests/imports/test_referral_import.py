"""Importing an adviser's referrals: good lines created as France Travail referrals, people
already followed matched (identifier, then name and birth date, then email or phone), lines
repeated in the file, malformed or out of the user's départements refused; the same file again
changes nothing; a refused line keeps the whole file out unless told to skip it."""

from datetime import date

import pytest
from sqlalchemy import func, select

from onboarding.imports.report import LineStatus
from onboarding.imports.run import run_import
from onboarding.pathway.models import (
    AuditAction,
    AuditLog,
    Candidate,
    CandidateStatus,
    DossierItem,
    ReferralSource,
    Role,
)
from onboarding.pathway.referral_import import ReferralImport
from tests import builders
from tests.imports.files import REFERRAL_HEADER, count_rows, csv_file, referral, statuses, xlsx_file

TODAY = builders.TODAY


def _import(session, rows, actor=None, **options):
    data = csv_file(REFERRAL_HEADER, rows)
    return run_import(session, ReferralImport(actor, today=TODAY), data, "export.csv", **options)


GOOD = [
    referral(),
    referral(Nom="Nguyen", Prénom="Thi", **{"Identifiant France Travail": "123 456 789 01",
             "Date de naissance": "03/10/1987", "E-mail": "", "Téléphone": "07 55 44 33 22",
             "Commune": "33318", "Code postal": ""}),
]  # fmt: skip


def test_dry_run_reports_created_matched_and_refused_lines(session):
    followed = builders.make_candidate(
        session, first_name="Aurélie", last_name="Bernard", birth_date=date(1995, 1, 21),
        phone="0600000001", france_travail_id="7654321B",
    )  # fmt: skip
    session.commit()
    rows = [
        *GOOD,
        # 4-6: the same person as line 2 by identifier, by name and birth date, by email.
        referral(Prénom="Lea", **{"E-mail": "", "Téléphone": ""}),
        referral(**{"Identifiant France Travail": "", "E-mail": "", "Téléphone": ""}),
        referral(Nom="Autre", **{"Identifiant France Travail": "", "Téléphone": ""}),
        # 7-9: already followed, by identifier, by name and birth date, by phone.
        referral(Nom="Bernard", Prénom="Aurélie", **{"Identifiant France Travail": "7654321b",
                 "E-mail": "", "Téléphone": ""}),
        referral(Nom="BERNARD", Prénom="Aurelie", **{"Date de naissance": "21/01/1995",
                 "Identifiant France Travail": "", "E-mail": "", "Téléphone": ""}),
        referral(Nom="Bernard", Prénom="A.", **{"Identifiant France Travail": "",
                 "E-mail": "", "Téléphone": "+33 6 00 00 00 01"}),
        # 10-14: malformed.
        referral(Nom="Faux", **{"Identifiant France Travail": "ABC", "E-mail": "",
                 "Téléphone": ""}),
        referral(Nom="Sans", **{"Identifiant France Travail": "1111111A", "Commune": "Atlantide",
                 "Code postal": "", "E-mail": "", "Téléphone": ""}),
        referral(Nom="Futur", **{"Identifiant France Travail": "2222222A",
                 "Date d'orientation": "01/04/2026", "E-mail": "", "Téléphone": ""}),
        referral(Nom="Mail", **{"Identifiant France Travail": "3333333A", "E-mail": "pas-un-mail",
                 "Téléphone": ""}),
        referral(Nom="Date", **{"Identifiant France Travail": "4444444A",
                 "Date de naissance": "12/31/1990", "E-mail": "", "Téléphone": ""}),
    ]  # fmt: skip
    report = _import(session, rows)
    followed_id = followed.id
    assert statuses(report) == [
        (2, LineStatus.CREATED, ""),
        (3, LineStatus.CREATED, ""),
        (4, LineStatus.REFUSED, "Même personne que la ligne 2 du fichier."),
        (5, LineStatus.REFUSED, "Même personne que la ligne 2 du fichier."),
        (6, LineStatus.REFUSED, "Même personne que la ligne 2 du fichier."),
        (7, LineStatus.MATCHED, f"fiche n° {followed_id}, même identifiant France Travail."),
        (8, LineStatus.MATCHED, f"fiche n° {followed_id}, même nom et date de naissance."),
        (9, LineStatus.MATCHED, f"fiche n° {followed_id}, même téléphone."),
        (10, LineStatus.REFUSED, "L'identifiant France Travail compte 8 caractères (7 chiffres "
                                 "et une lettre ou un chiffre) ou 11 chiffres."),
        (11, LineStatus.REFUSED, "Commune inconnue : « Atlantide »."),
        (12, LineStatus.REFUSED, "La date d'orientation ne peut pas être dans le futur."),
        (13, LineStatus.REFUSED, "L'adresse e-mail n'est pas valide."),
        (14, LineStatus.REFUSED, "Date de naissance : Date invalide : utilisez le format "
                                 "JJ/MM/AAAA (ex. 01/12/2026)."),
    ]  # fmt: skip
    assert report.summary() == "13 lignes : 2 créées, 3 déjà suivies, 8 refusées."
    assert count_rows(session, Candidate) == 1


def test_a_refused_line_keeps_the_whole_file_out(session):
    rows = [*GOOD, referral(Nom="Faux", **{"Identifiant France Travail": "12"})]
    report = _import(session, rows, wet_run=True)
    assert report.applied is False
    session.rollback()
    assert count_rows(session, Candidate) == 0


def test_wet_run_refers_the_people_then_the_same_file_changes_nothing(session):
    report = _import(session, GOOD, wet_run=True)
    session.commit()
    assert report.applied
    lea = session.scalar(select(Candidate).where(Candidate.last_name == "Martin"))
    assert lea.status == CandidateStatus.REFERRED
    assert lea.referral_source == ReferralSource.FRANCE_TRAVAIL
    assert lea.is_job_seeker is True
    assert lea.france_travail_id == "1234567A"
    assert lea.phone == "0611223344"
    assert lea.referred_on == date(2026, 3, 2)
    assert lea.cohort == "2026-03"
    assert lea.referred_by == "Agence Bordeaux Saint-Jean — Paul Girard"
    assert lea.coordinator is None  # imported by the command line, for every département
    thi = session.scalar(select(Candidate).where(Candidate.last_name == "Nguyen"))
    assert (thi.france_travail_id, thi.commune_insee) == ("12345678901", "33318")
    assert session.scalar(select(func.count()).select_from(DossierItem)) > 0
    audited = session.scalars(select(AuditLog.action).where(AuditLog.object_type == "Candidate"))
    assert list(audited) == [AuditAction.IMPORT_CREATE.value] * 2

    again = _import(session, GOOD, wet_run=True)
    session.commit()
    assert [line.status for line in again.lines] == [LineStatus.MATCHED] * 2
    assert count_rows(session, Candidate) == 2


def test_xlsx_export_with_excel_dates(session):
    row = referral()
    row[REFERRAL_HEADER.index("Date de naissance")] = date(1991, 5, 12)
    row[REFERRAL_HEADER.index("Date d'orientation")] = 46083  # 02/03/2026
    data = xlsx_file(REFERRAL_HEADER, [row])
    report = run_import(session, ReferralImport(None, today=TODAY), data, "export.xlsx",
                        wet_run=True)  # fmt: skip
    session.commit()
    assert statuses(report) == [(2, LineStatus.CREATED, "")]
    assert report.created[0].referred_on == date(2026, 3, 2)
    assert report.created[0].birth_date == date(1991, 5, 12)


def test_a_coordinator_imports_into_her_departements_and_follows_them(session):
    coordinator = builders.make_staff(session, "c33@example.org", Role.COORDINATOR, "33")
    elsewhere = builders.make_candidate(
        session, commune=builders.PERIGUEUX, france_travail_id="9999999Z"
    )
    session.commit()
    rows = [
        *GOOD,
        referral(Nom="Périgord", **{"Identifiant France Travail": "5555555A", "E-mail": "",
                 "Téléphone": "", "Commune": "Périgueux", "Code postal": "24000"}),
        referral(Nom="Connue", **{"Identifiant France Travail": "9999999Z", "E-mail": "",
                 "Téléphone": ""}),
    ]  # fmt: skip
    report = _import(session, rows, actor=coordinator, wet_run=True, skip_refused=True)
    session.commit()
    assert statuses(report)[2:] == [
        (4, LineStatus.REFUSED, "Périgueux est dans le département 24, hors de vos "
                                "départements (33)."),
        # Followed elsewhere: matched, without naming a record she may not open.
        (5, LineStatus.MATCHED, "dans un autre département, même identifiant France Travail."),
    ]  # fmt: skip
    assert {c.coordinator_id for c in report.created} == {coordinator.id}
    assert elsewhere.id not in {c.id for c in report.created}


@pytest.mark.parametrize("typed", ["33000", "Bordeaux", "33063", "bordeaux (33800)", "Pessac"])
def test_the_commune_as_people_type_it(session, typed):
    row = referral(Commune=typed, **{"Code postal": ""})
    (line,) = _import(session, [row], wet_run=True).lines
    assert line.status == LineStatus.CREATED
    assert session.scalar(select(Candidate.commune_insee)) == (
        "33318" if typed == "Pessac" else "33063"
    )


@pytest.mark.parametrize(
    ("commune", "postcode", "reason"),
    [
        ("Mérignac", "", "Plusieurs communes s'appellent « Mérignac » : indiquez le code postal."),
        ("", "3300", "Le code postal « 3300 » compte 5 chiffres (ex. 33000)."),
        ("", "99999", "Aucune commune n'a le code postal 99999."),
        ("", "", "Indiquez la commune ou son code postal."),
        ("Bordeaux", "24100", "Le code postal 24100 couvre plusieurs communes (Bergerac, Creysse, "
                              "Lembras, Saint-Laurent-des-Vignes) : indiquez laquelle dans la "
                              "colonne Commune."),
    ],
)  # fmt: skip
def test_communes_that_cannot_be_told(session, commune, postcode, reason):
    row = referral(Commune=commune, **{"Code postal": postcode})
    (line,) = _import(session, [row]).lines
    assert (line.status, line.reason) == (LineStatus.REFUSED, reason)
