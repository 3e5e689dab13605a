"""import-carers and import-referrals: a French report of each line, a dry run by default that
fails (exit 1) when a line is refused, --wet-run to write, --skip-refused, --as EMAIL for one
staff user's départements."""

from sqlalchemy import select

from onboarding.pathway.models import (
    AuditLog,
    Candidate,
    Carer,
    Channel,
    MessageKind,
    OutboxMessage,
    Role,
)
from tests import builders
from tests.imports.files import CARER_HEADER, REFERRAL_HEADER, carer, count_rows, csv_file, referral


def _file(tmp_path, header, rows, name="liste.csv"):
    path = tmp_path / name
    path.write_bytes(csv_file(header, rows))
    return str(path)


def test_dry_run_then_wet_run_of_the_carers_list(runner, session, tmp_path):
    path = _file(tmp_path, CARER_HEADER, [carer(), carer(**{
        "Nom": "Ferrand", "Prénom": "Odile", "Numéro d'agrément": "AG-33-0002",
        "Date de naissance": "02/03/1975", "E-mail": ""})])  # fmt: skip
    dry = runner.invoke(args=["import-carers", path])
    assert dry.exit_code == 0, dry.output
    assert dry.output.splitlines() == [
        "Ligne 2 — Sandrine Lacoste : créée",
        "Ligne 3 — Odile Ferrand : créée",
        "2 lignes : 2 créées.",
        "Essai à blanc : rien n'a été écrit.",
        "Relancez avec --wet-run pour importer.",
    ]
    assert count_rows(session, Carer) == 0

    wet = runner.invoke(args=["import-carers", path, "--wet-run"])
    assert wet.exit_code == 0, wet.output
    sandrine, odile = session.scalars(select(Carer).order_by(Carer.id)).all()
    assert wet.output.splitlines()[-2:] == [
        "Import effectué.",
        f"2 assistante(s) maternelle(s) créée(s) (fiches n° {sandrine.id}, {odile.id}) : "
        "1 invitée(s) par e-mail à ouvrir leur espace ; les autres, sans e-mail, reçoivent une "
        "lettre à imprimer depuis la liste des assistantes maternelles (filtre « jamais "
        "invitée »).",
    ]
    # Invited in the import's transaction: her email is queued; the other awaits her letter.
    invitations = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.CARER_LINK)
    ).all()
    assert [(m.subject_id, m.channel) for m in invitations] == [(sandrine.id, Channel.EMAIL)]
    assert sandrine.invited_at is not None
    assert odile.invited_at is None
    again = runner.invoke(args=["import-carers", path, "--wet-run"])
    assert "Ligne 2 — Sandrine Lacoste : inchangée" in again.output
    assert count_rows(session, Carer) == 2
    assert count_rows(session, OutboxMessage) == 1  # a re-import invites nobody again


def test_a_refused_line_fails_the_dry_run_and_writes_nothing(runner, session, tmp_path):
    path = _file(tmp_path, REFERRAL_HEADER, [referral(), referral(Nom="X", Commune="Atlantide",
                 **{"Code postal": "", "Identifiant France Travail": "1111111B",
                    "E-mail": "", "Téléphone": ""})])  # fmt: skip
    dry = runner.invoke(args=["import-referrals", path])
    assert dry.exit_code == 1
    assert "Ligne 3 — Léa X : refusée — Commune inconnue : « Atlantide »." in dry.output
    assert "2 lignes : 1 créée, 1 refusée." in dry.output
    wet = runner.invoke(args=["import-referrals", path, "--wet-run"])
    assert wet.exit_code == 1
    assert "Rien n'a été écrit : des lignes sont refusées." in wet.output
    assert count_rows(session, Candidate) == 0
    skipped = runner.invoke(args=["import-referrals", path, "--wet-run", "--skip-refused"])
    assert skipped.exit_code == 0, skipped.output
    assert "Import effectué ; les lignes refusées ont été ignorées." in skipped.output
    assert count_rows(session, Candidate) == 1


def test_as_a_coordinator(runner, session, tmp_path):
    builders.make_staff(session, "c24@example.org", Role.COORDINATOR, "24")
    builders.make_staff(session, "p33@example.org", Role.PARTNER, "33")
    session.commit()
    path = _file(tmp_path, REFERRAL_HEADER, [referral()])
    result = runner.invoke(args=["import-referrals", path, "--wet-run", "--as", "C24@example.org"])
    assert result.exit_code == 1
    assert "hors de vos départements (24)" in result.output
    partner = runner.invoke(args=["import-referrals", path, "--as", "p33@example.org"])
    assert partner.exit_code == 1
    assert "Un compte partenaire consulte les listes mais n'importe rien." in partner.output
    unknown = runner.invoke(args=["import-referrals", path, "--as", "nobody@example.org"])
    assert unknown.exit_code == 1
    assert "aucun compte n'a l'adresse nobody@example.org" in unknown.output
    assert count_rows(session, Candidate) == 0
    assert count_rows(session, AuditLog) == 0


def test_a_file_that_cannot_be_imported(runner, session, tmp_path):
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    result = runner.invoke(args=["import-carers", str(empty), "--wet-run"])
    assert result.exit_code == 1
    assert "Le fichier est vide." in result.output
    wrong = _file(tmp_path, ["Nom", "Prénom"], [["a", "b"]])
    result = runner.invoke(args=["import-carers", wrong, "--wet-run"])
    assert result.exit_code == 1
    assert "Colonnes manquantes : Date de décision, Capacité, Commune ou Code postal." in (
        result.output
    )
    assert count_rows(session, Carer) == 0
