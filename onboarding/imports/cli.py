"""Command line: import-carers and import-referrals FILE [--wet-run] [--skip-refused]
[--as EMAIL]: a dry run by default, with the French report of each line."""

from pathlib import Path

import click

from onboarding.extensions import db
from onboarding.imports.reading import check_size
from onboarding.imports.report import ImportReport, LineStatus
from onboarding.imports.run import run_import
from onboarding.pathway import staff
from onboarding.pathway.carer_import import CarerImport
from onboarding.pathway.clock import today
from onboarding.pathway.errors import PathwayError
from onboarding.pathway.referral_import import ReferralImport


def print_report(report: ImportReport) -> None:
    for line in report.lines:
        who = f" — {line.who}" if line.who else ""
        reason = f" — {line.reason}" if line.reason else ""
        click.echo(f"Ligne {line.line}{who} : {line.status.label}{reason}")
    if report.ignored_columns:
        click.echo(f"Colonnes ignorées : {', '.join(report.ignored_columns)}.")
    click.echo(report.summary())
    click.echo(report.outcome())


def run_command(importer_class, path: Path, *, wet_run: bool, skip_refused: bool, as_email):
    """Run one import from the command line; commits only a wet run that applied."""
    actor = None
    if as_email:
        actor = staff.find_by_email(db.session, as_email)
        if actor is None:
            raise click.ClickException(f"aucun compte n'a l'adresse {as_email}")
    try:
        check_size(path.stat().st_size)
        data = path.read_bytes()
        importer = importer_class(actor, today=today())
        report = run_import(db.session, importer, data, path.name,
                            wet_run=wet_run, skip_refused=skip_refused)  # fmt: skip
    except PathwayError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    if report.applied:
        db.session.commit()
    else:
        db.session.rollback()
    print_report(report)
    if not wet_run:
        click.echo("Relancez avec --wet-run pour importer.")
    if report.refused and not skip_refused:
        raise SystemExit(1)
    return report


def _options(command):
    command = click.option(
        "--as", "as_email", metavar="EMAIL",
        help="Import as this staff user: only lines in their départements are accepted "
        "(default: every département).",
    )(command)  # fmt: skip
    command = click.option(
        "--skip-refused", is_flag=True, help="Write the other lines when some are refused."
    )(command)
    command = click.option("--wet-run", is_flag=True, help="Write (without it, only report).")(
        command
    )
    return click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))(
        command
    )


@click.command("import-carers")
@_options
def import_carers_command(path, wet_run, skip_refused, as_email):
    """Import a PMI's or an RPE's list of approved carers (CSV or XLSX); a dry run by default."""
    report = run_command(CarerImport, path, wet_run=wet_run, skip_refused=skip_refused,
                         as_email=as_email)  # fmt: skip
    if report.created:
        ids = ", ".join(str(carer.id) for carer in report.created)
        by_email = sum(1 for carer in report.created if carer.email)
        click.echo(
            f"{len(report.created)} assistante(s) maternelle(s) créée(s) (fiches n° {ids}) : "
            f"{by_email} invitée(s) par e-mail à ouvrir leur espace ; les autres, sans e-mail, "
            "reçoivent une lettre à imprimer depuis la liste des assistantes maternelles "
            "(filtre « jamais invitée »)."
        )


@click.command("import-referrals")
@_options
def import_referrals_command(path, wet_run, skip_refused, as_email):
    """Import an adviser's list of referrals (CSV or XLSX); a dry run by default."""
    report = run_command(ReferralImport, path, wet_run=wet_run, skip_refused=skip_refused,
                         as_email=as_email)  # fmt: skip
    matched = report.count(LineStatus.MATCHED)
    if report.applied and matched:
        click.echo(f"{matched} personne(s) déjà suivie(s) : rien de changé pour elles.")
