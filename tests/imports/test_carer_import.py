"""Importing a carers' list: good, repeated, malformed and conflicting lines reported in a dry
run; the wet run creates unpublished imported carers; the same list again changes nothing; a
refused line keeps the whole file out unless told to skip it."""

from datetime import date

import pytest
from sqlalchemy import select

from onboarding.imports.report import LineStatus
from onboarding.imports.run import run_import
from onboarding.pathway import shown
from onboarding.pathway.carer_import import CarerImport
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import (
    AuditAction,
    AuditLog,
    CandidateStatus,
    Carer,
    CarerSource,
    Mam,
    Role,
)
from tests import builders
from tests.imports.files import CARER_HEADER, carer, count_rows, csv_file, statuses

TODAY = builders.TODAY


def _import(session, rows, actor=None, **options):
    data = csv_file(CARER_HEADER, rows)
    return run_import(session, CarerImport(actor, today=TODAY), data, "liste.csv", **options)


GOOD = [
    carer(),
    carer(Nom="Moreau", Prénom="Nadia", **{"Numéro d'agrément": "AG-33-0002",
          "Date de naissance": "27/11/1990", "Commune": "Mérignac", "Code postal": "33700",
          "E-mail": "", "MAM": "Les Petits Pas", "Capacité": "3"}),
]  # fmt: skip


def test_dry_run_reports_every_line_and_writes_nothing(session):
    existing = builders.make_candidate(session, CandidateStatus.APPROVED, last_name="Durand")
    existing.carer.agrement_number = "AG-33-0099"
    session.commit()
    rows = [
        *GOOD,
        carer(Prénom="Sandra"),  # line 4: the agrément number of line 2
        carer(**{"Numéro d'agrément": "AG-33-0003", "Capacité": "5"}),
        carer(**{"Numéro d'agrément": "AG-33-0004", "Date de décision": "2024-13-01"}),
        carer(Nom="Autre", Prénom="Personne", **{"Numéro d'agrément": "AG-33-0099"}),
        carer(Nom="Vieux", **{"Numéro d'agrément": "AG-33-0005",
                              "Date de décision": "01/01/2019"}),
        carer(Nom="Loin", **{"Numéro d'agrément": "AG-33-0006", "Commune": "Nulle-Part-sur-Mer",
                             "Code postal": ""}),
        carer(Nom="Plusieurs", **{"Numéro d'agrément": "AG-24-0007", "Commune": "",
                                  "Code postal": "24100"}),
        carer(Nom="Tel", **{"Numéro d'agrément": "AG-33-0008", "Téléphone": "12"}),
    ]  # fmt: skip
    report = _import(session, rows)
    assert statuses(report) == [
        (2, LineStatus.CREATED, ""),
        (3, LineStatus.CREATED, ""),
        (4, LineStatus.REFUSED, "Même assistante maternelle que la ligne 2 du fichier."),
        (5, LineStatus.REFUSED, "La capacité va de 1 à 4 enfants (L421-4)."),
        (6, LineStatus.REFUSED, "Date de décision : Date invalide : utilisez le format "
                                "JJ/MM/AAAA (ex. 01/12/2026)."),
        (7, LineStatus.REFUSED, "Le numéro d'agrément AG-33-0099 est déjà celui d'une autre "
                                f"assistante maternelle (fiche n° {existing.carer.id})."),
        (8, LineStatus.REFUSED, "Agrément expiré le 31/12/2023 : seule une assistante "
                                "maternelle agréée s'importe."),
        (9, LineStatus.REFUSED, "Commune inconnue : « Nulle-Part-sur-Mer »."),
        (10, LineStatus.REFUSED, "Le code postal 24100 couvre plusieurs communes (Bergerac, "
                                 "Creysse, Lembras, Saint-Laurent-des-Vignes) : indiquez "
                                 "laquelle dans la colonne Commune."),
        (11, LineStatus.REFUSED, "Le numéro de téléphone n'est pas valide (ex. 06 12 34 56 78)."),
    ]  # fmt: skip
    assert report.summary() == "10 lignes : 2 créées, 8 refusées."
    assert report.applied is False
    assert count_rows(session, Carer) == 1


def test_a_refused_line_keeps_the_whole_file_out(session):
    report = _import(session, [*GOOD, carer(Prénom="Sans", Nom="")], wet_run=True)
    assert report.applied is False
    assert report.refused == 1
    assert report.outcome().startswith("Rien n'a été écrit")
    session.rollback()
    assert count_rows(session, Carer) == 0


def test_wet_run_creates_unpublished_carers_then_the_same_list_changes_nothing(session):
    report = _import(session, GOOD, wet_run=True)
    session.commit()
    assert report.applied
    assert [c.last_name for c in report.created] == ["Lacoste", "Moreau"]
    lacoste = session.scalar(select(Carer).where(Carer.last_name == "Lacoste"))
    assert lacoste.source == CarerSource.IMPORTED
    assert lacoste.agrement_number == "AG-33-0001"
    assert lacoste.birth_date == date(1982, 2, 14)
    assert lacoste.agrement_on == date(2024, 9, 3)
    assert lacoste.agrement_expires_on == date(2029, 9, 2)  # a first agrément: 5 years
    assert lacoste.phone == "0612345678"
    assert lacoste.department_code == "33"
    assert (lacoste.latitude, lacoste.longitude) == (44.83802, -0.57964)
    assert lacoste.is_published is False
    assert lacoste.publication_consent_at is None
    assert not shown.may_show_carer(lacoste, today=TODAY)
    assert shown.why_hidden(lacoste, today=TODAY)  # in French, for her space
    moreau = report.created[1]
    assert (moreau.mam_label, moreau.email, moreau.show_email, moreau.show_phone) == (
        "Les Petits Pas", None, False, True)  # fmt: skip
    actions = session.scalars(
        select(AuditLog.action).where(
            AuditLog.object_type == "Carer", AuditLog.action.startswith("import")
        )
    )
    assert list(actions) == [AuditAction.IMPORT_CREATE.value] * 2

    again = _import(session, GOOD, wet_run=True)
    session.commit()
    assert [line.status for line in again.lines] == [LineStatus.UNCHANGED] * 2
    assert again.created == []
    assert count_rows(session, Carer) == 2


def test_a_new_list_updates_the_agrement_and_only_fills_missing_contacts(session):
    _import(session, GOOD, wet_run=True)
    session.commit()
    changed = [
        carer(**{"Capacité": "3", "Date d'expiration": "02/09/2030",
                 "Téléphone": "07 00 00 00 01", "Nom de naissance": "Durand"}),
        # Found by name, birth date and commune, with the agrément number it had.
        [*GOOD[1][:4], "AG-33-0002", *GOOD[1][5:12], "nadia@example.org", "Les Petits Pas"],
    ]  # fmt: skip
    report = _import(session, changed, wet_run=True)
    session.commit()
    assert statuses(report) == [
        (2, LineStatus.UPDATED, "Mis à jour : nom de naissance, date d'expiration, capacité."),
        (3, LineStatus.UPDATED, "Mis à jour : e-mail."),
    ]
    lacoste = session.scalar(select(Carer).where(Carer.last_name == "Lacoste"))
    assert lacoste.agrement_capacity == 3
    assert lacoste.phone == "0612345678"  # hers to keep: the list does not overwrite it
    updates = session.scalars(
        select(AuditLog).where(AuditLog.action == AuditAction.IMPORT_UPDATE.value)
    ).all()
    assert sorted(entry.fields for entry in updates) == [
        ["agrement_capacity", "agrement_expires_on", "birth_name"], ["email"]]  # fmt: skip


def test_same_person_with_another_agrement_number_is_a_conflict(session):
    _import(session, GOOD, wet_run=True)
    session.commit()
    report = _import(session, [carer(**{"Numéro d'agrément": "AG-33-7777"})])
    (line,) = report.lines
    assert line.status == LineStatus.REFUSED
    assert line.reason.startswith("Même nom, date de naissance et commune qu'une assistante")
    assert line.reason.endswith("mais avec un autre numéro d'agrément (AG-33-0001).")


def test_a_carer_from_the_pathway_keeps_her_decisions_and_gains_her_number(session):
    candidate = builders.make_candidate(
        session, CandidateStatus.APPROVED, first_name="Sandrine", last_name="Lacoste",
        birth_date=date(1982, 2, 14),
    )  # fmt: skip
    session.commit()
    report = _import(session, [carer(**{"Capacité": "1"})], wet_run=True)
    session.commit()
    assert statuses(report) == [
        (2, LineStatus.UPDATED, "Mis à jour : numéro d'agrément, adresse, téléphone, e-mail.")
    ]
    assert candidate.carer.agrement_number == "AG-33-0001"
    assert candidate.carer.email == "sandrine@example.org"  # she had none
    assert candidate.carer.agrement_capacity == 4  # her decision's, not the list's
    again = _import(session, [carer(**{"Capacité": "1"})])
    assert statuses(again) == [
        (2, LineStatus.UNCHANGED, "Issue du parcours : ses décisions font foi.")]  # fmt: skip


def test_skip_refused_writes_the_other_lines(session):
    report = _import(session, [*GOOD, carer(Nom="")], wet_run=True, skip_refused=True)
    session.commit()
    assert report.applied
    assert report.outcome().startswith("Import effectué ; les lignes")
    assert count_rows(session, Carer) == 2


def test_a_coordinator_imports_only_in_her_departements(session):
    coordinator = builders.make_staff(session, "c24@example.org", Role.COORDINATOR, "24")
    partner = builders.make_staff(session, "p33@example.org", Role.PARTNER, "33")
    session.commit()
    report = _import(session, [carer(), carer(Nom="Faure", Prénom="Isabelle",
                     **{"Numéro d'agrément": "AG-24-1", "Commune": "Périgueux",
                        "Code postal": ""})], actor=coordinator)  # fmt: skip
    assert statuses(report) == [
        (2, LineStatus.REFUSED, "Bordeaux est dans le département 33, hors de vos départements "
                                "(24)."),
        (3, LineStatus.CREATED, ""),
    ]  # fmt: skip
    with pytest.raises(RuleViolation, match="partenaire"):
        CarerImport(partner, today=TODAY)


def test_the_mam_the_list_names_is_joined_when_the_departement_has_it(session):
    mam = Mam(name="Les petits pas", address="4 rue des Écoles", commune_insee=builders.BORDEAUX)
    session.add(mam)
    session.commit()
    rows = [
        *GOOD,
        carer(Nom="Roux", Prénom="Inès", **{"Numéro d'agrément": "AG-33-0003",
              "Date de naissance": "05/05/1985", "MAM": "La Ribambelle"}),
    ]  # fmt: skip
    report = _import(session, rows, wet_run=True)
    session.commit()

    assert report.applied
    nadia, ines = (
        session.scalar(select(Carer).where(Carer.last_name == n)) for n in ("Moreau", "Roux")
    )
    # Named with other case and accents, in the same département: she works there now.
    assert nadia.mam_id == mam.id
    assert session.scalar(
        select(AuditLog).where(AuditLog.action == AuditAction.MAM_JOIN.value)
    ).object_id == str(nadia.id)
    # A MAM the département has not recorded: the list's name stays on her page, unlinked.
    assert (ines.mam_id, ines.mam_label) == (None, "La Ribambelle")
