"""One way to import a file, whatever it holds: read it, match its columns, let the domain plan
each line, then write only when asked and when no line is refused (unless told to skip them).

The caller owns the transaction: it commits after a wet run that applied, and rolls back
otherwise, so a refused file never leaves a row behind."""

from typing import Protocol

from sqlalchemy.orm import Session

from onboarding.imports.cells import read_records
from onboarding.imports.columns import Columns, Record
from onboarding.imports.reading import read_table
from onboarding.imports.report import ImportReport, LineReport, LineStatus, Planned


class Importer(Protocol):
    columns: Columns

    def who(self, record: Record) -> str:
        """Who the line is about, for the report."""

    def plan(self, session: Session, records: list[Record]) -> list[Planned]:
        """A decision for each line (cells already read), reading the database, writing nothing."""

    def write(self, session: Session, planned: list[Planned]) -> list:
        """Write the created and updated lines; returns what was created."""


def run_import(
    session: Session,
    importer: Importer,
    data: bytes,
    filename: str = "",
    *,
    wet_run: bool = False,
    skip_refused: bool = False,
) -> ImportReport:
    """The report of the file's lines; writes (without committing) only on a wet run that may
    apply. Raises ImportFileError for a file that cannot be imported at all."""
    table = read_table(data, filename)
    records, ignored = read_records(table, importer.columns)
    malformed = [
        Planned(LineReport(r.line, LineStatus.REFUSED, importer.who(r), " ; ".join(r.errors)))
        for r in records
        if r.errors
    ]
    planned = importer.plan(session, [r for r in records if not r.errors])
    every = sorted(malformed + planned, key=lambda p: p.report.line)
    report = ImportReport(
        [p.report for p in every], ignored, wet_run=wet_run, skip_refused=skip_refused
    )
    if wet_run and report.may_apply:
        report.created = importer.write(session, [p for p in every if p.report.status.writes])
        report.applied = True
    return report
