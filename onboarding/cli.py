"""Command line: create-user, seed-demo, candidate-link, purge, backup, send-due,
recompute-deadlines and rebuild-search-rows (flask --app onboarding …); db is Flask-Migrate's."""

import sqlite3
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from sqlalchemy import func, select

from onboarding.extensions import db
from onboarding.pathway import staff
from onboarding.pathway.base import MAX_ROW_ID
from onboarding.pathway.clock import today
from onboarding.pathway.geography import is_department_code, normalize_department_code
from onboarding.pathway.models import Candidate, Carer, PathwayStep, Role, StaffUser


def _departments_option(ctx, param, value: str | None) -> list[str]:
    if not value:
        return []
    codes = sorted({normalize_department_code(code) for code in value.split(",") if code.strip()})
    unknown = [code for code in codes if not is_department_code(code)]
    if unknown:
        raise click.BadParameter(
            f"unknown département code(s): {', '.join(unknown)} "
            "(expected codes such as 33, 2A, 974)"
        )
    return codes


def _email_argument(ctx, param, value: str) -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(f"not a valid email address ({error})") from None


def _password_callback(ctx, param, value: str | None) -> str | None:
    if value is not None and len(value) < staff.PASSWORD_MIN_LENGTH:
        raise click.BadParameter(f"must be at least {staff.PASSWORD_MIN_LENGTH} characters long")
    return value


@click.command("create-user")
@click.argument("email", callback=_email_argument)
@click.option(
    "--role",
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="What the user may do.",
)
@click.option(
    "--departments",
    callback=_departments_option,
    help="Comma-separated département codes covered (required except for admins), e.g. 33,24.",
)
@click.option("--name", "full_name", default="", help="Full name shown in the panel.")
@click.option(
    "--password",
    callback=_password_callback,
    help="Prompted for (hidden, twice) when not given.",
)
def create_user_command(email, role, departments, full_name, password):
    """Create a staff account (admin, coordinator or read-only partner)."""
    if role != Role.ADMIN.value and not departments:
        raise click.UsageError(f"a {role} needs --departments, e.g. --departments 33,24")
    if staff.find_by_email(db.session, email) is not None:
        raise click.ClickException(f"a staff user with the email {email} already exists")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        _password_callback(None, None, password)
    user = staff.create_staff_user(
        db.session,
        email=email,
        role=role,
        password=password,
        departments=departments,
        full_name=full_name,
    )
    db.session.commit()
    scope = "all départements" if user.is_admin else "départements " + ", ".join(departments)
    click.echo(f"Created {user.role.value} {user.email} ({scope}).")


def database_content() -> dict[str, int]:
    """What makes a database "not empty" for seed-demo: anything but the bundled communes."""
    counts = {}
    for label, model in (
        ("candidates", Candidate),
        ("carers", Carer),
        ("staff users", StaffUser),
        ("pathway steps", PathwayStep),
    ):
        counts[label] = db.session.scalar(select(func.count()).select_from(model))
    return counts


@click.command("seed-demo")
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed, same data.")
@click.option("--append", is_flag=True, help="Add demo data to a database that already has some.")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Seed only an empty database, and succeed quietly otherwise (used by make run).",
)
def seed_demo_command(seed, append, if_empty):
    """Fill an empty database with believable Nouvelle-Aquitaine demo data. Never deletes."""
    from onboarding.demo import DEMO_ACCOUNTS, seed_demo

    content = database_content()
    if any(content.values()) and not append:
        if if_empty:
            click.echo("The database already holds data: no demo data added.")
            _print_sign_ins(DEMO_ACCOUNTS)
            return
        held = ", ".join(f"{count} {label}" for label, count in content.items() if count)
        raise click.ClickException(
            f"the database is not empty ({held}). seed-demo never deletes anything: "
            "use --append to add demo data beside what is there, or start from an empty database."
        )

    with click.progressbar(length=100, label="Seeding demo data") as bar:
        done = [0]

        def progress(fraction: float) -> None:
            target = int(fraction * 100)
            bar.update(target - done[0])
            done[0] = target

        summary = seed_demo(db.session, seed=seed, today=today(), progress=progress)
    db.session.commit()
    click.echo(summary.describe())
    _print_sign_ins(DEMO_ACCOUNTS)


def _print_sign_ins(accounts) -> None:
    click.echo("\nDemo sign-ins at /auth/login:")
    for account in accounts:
        click.echo(f"  {account.role:<12} {account.email:<34} password: {account.password}")


@click.command("candidate-link")
# An id the database can hold (beyond it the SQLite driver would overflow).
@click.argument("candidate_id", type=click.IntRange(1, MAX_ROW_ID))
def candidate_link_command(candidate_id):
    """Print a candidate's personal access URL: a new link, valid 30 days; earlier ones stop
    working."""
    from onboarding.candidate.links import new_personal_link

    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        raise click.ClickException(f"no candidate with id {candidate_id}")
    url = new_personal_link(candidate)
    db.session.commit()
    click.echo(url)


@click.command("purge")
@click.option("--wet-run", is_flag=True, help="Apply the purge (without it, only list it).")
def purge_command(wet_run):
    """Anonymise or delete personal data past its retention period (a dry run by default)."""
    from onboarding.pathway.privacy import RetentionPolicy, plan_purge, run_purge

    policy = RetentionPolicy.from_config(current_app.config)
    plan = plan_purge(db.session, today=today(), policy=policy)
    click.echo(
        f"Retention: withdrawn candidates {policy.withdrawn_months} months, "
        f"contact requests {policy.contact_request_months} months, "
        f"answered pre-registrations {policy.pre_registration_months} months."
    )
    for item in plan:
        shown = ", ".join(str(i) for i in item.ids[:20]) + (" …" if len(item.ids) > 20 else "")
        click.echo(f"- {item.step.name}: {item.step.description}: {len(item.ids)} row(s)")
        if item.ids:
            click.echo(f"    ids: {shown}")
    if not wet_run:
        db.session.rollback()
        click.echo("Dry run: nothing was changed. Run with --wet-run to apply.")
        return
    run_purge(db.session, plan)
    db.session.commit()
    click.echo("Purge applied.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def backup_command(path: Path):
    """Copy the SQLite database to PATH while the app runs (on PostgreSQL: use pg_dump)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        url = engine.url.set(password=None).render_as_string(hide_password=False)
        url = url.replace("+psycopg", "")
        raise click.ClickException(
            "this database is PostgreSQL: back it up with pg_dump, e.g.\n"
            f"  pg_dump --format=custom --file={path} '{url}'\n"
            "and restore with pg_restore --clean --if-exists --dbname=<url> "
            f"{path}"
        )
    if path.exists():
        raise click.ClickException(f"{path} already exists: a backup never overwrites a file")
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(path)
        try:
            # SQLite's online backup: a consistent copy even while workers keep writing.
            raw.driver_connection.backup(target)
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            target.close()
    finally:
        raw.close()
    if check != "ok":
        path.unlink()
        raise click.ClickException(f"the copy failed its integrity check ({check})")
    click.echo(f"Backed up to {path} ({path.stat().st_size} bytes, integrity ok).")


@click.command("send-due")
@click.option(
    "--limit", type=click.IntRange(min=1), help="Stop after this many messages (default: all due)."
)
@click.option(
    "--batch", type=click.IntRange(min=1), help="Messages claimed at once (default OUTBOX_BATCH)."
)
@click.option(
    "--senders",
    type=click.IntRange(min=1, max=16),
    help="Senders side by side in this run (default OUTBOX_SENDERS).",
)
def send_due_command(limit, batch, senders):
    """Send the messages that are due now (safe to run every minute, several at once), after
    passing on the waiting lists' offers whose deadline is past."""
    from onboarding.messages.delivery import send_due
    from onboarding.pathway import waiting_lists

    expired = waiting_lists.expire_offers(db.session)
    db.session.commit()
    if expired:
        click.echo(f"{expired} waiting-list offer(s) expired and passed on.")
    report = send_due(db.session, limit=limit, batch=batch, senders=senders)
    click.echo(str(report))


@click.command("recompute-deadlines")
def recompute_deadlines_command():
    """Rewrite every candidate's next deadline (after changing EXTENDED_TRAINING_DEPARTMENTS)."""
    from onboarding.pathway import next_deadline
    from onboarding.pathway.indicators import summary

    count = next_deadline.recompute(db.session)
    # Written without a flush of the candidates: the indicators' past deadlines follow.
    summary.rebuild(db.session)
    db.session.commit()
    click.echo(f"Next deadline recomputed for {count} candidate(s).")


@click.command("rebuild-search-rows")
def rebuild_search_rows_command():
    """Rewrite the parents' search's rows from the carers and their places (after writing to
    them outside the application, which keeps the rows on every change)."""
    from onboarding.pathway import search_rows

    count = search_rows.rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"{count} search row(s) rebuilt.")


@click.command("rebuild-indicators")
def rebuild_indicators_command():
    """Rewrite the indicators' summary rows from the records (after writing to them outside the
    application, which keeps the rows on every change)."""
    from onboarding.pathway.indicators import summary

    count = summary.rebuild(db.session)
    db.session.commit()
    click.echo(f"{count} indicator row(s) rebuilt.")


def init_app(app: Flask) -> None:
    from onboarding.imports.cli import import_carers_command, import_referrals_command

    app.cli.add_command(import_carers_command)
    app.cli.add_command(import_referrals_command)
    app.cli.add_command(send_due_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(candidate_link_command)
    app.cli.add_command(purge_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(recompute_deadlines_command)
    app.cli.add_command(rebuild_search_rows_command)
    app.cli.add_command(rebuild_indicators_command)
