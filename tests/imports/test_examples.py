"""The example files import as they are, and the README lists every column of each import."""

from onboarding.config import PROJECT_ROOT
from onboarding.imports.report import LineStatus
from onboarding.imports.run import run_import
from onboarding.pathway.carer_import import CarerImport
from onboarding.pathway.referral_import import ReferralImport
from tests import builders

EXAMPLES = (("assistantes-maternelles.csv", CarerImport), ("orientations.csv", ReferralImport))


def test_the_example_files_import_without_a_refusal(session):
    for name, importer in EXAMPLES:
        data = (PROJECT_ROOT / "examples" / name).read_bytes()
        report = run_import(session, importer(None, today=builders.TODAY), data, name)
        assert report.lines
        assert {line.status for line in report.lines} == {LineStatus.CREATED}, name
        assert report.ignored_columns == []


def test_the_readme_lists_every_column():
    readme = (PROJECT_ROOT / "README.md").read_text()
    for name, importer in EXAMPLES:
        row = next(line for line in readme.splitlines() if f"(`examples/{name}`)" in line)
        listed = row.split("|")[2]
        for column in importer.columns:
            assert column.label in listed, (name, column.label)
            assert (column.label + "\\*" in listed) == column.required, (name, column.label)
