"""Exports: CSV and XLSX of the rows in scope, with formula-like cells neutralised."""

import csv
import io

from openpyxl import load_workbook

from onboarding.admin.base import neutralise_cell


def test_cells_that_a_spreadsheet_would_run_are_neutralised():
    for value in ('=HYPERLINK("x")', "+33 6", "-2", "@SUM(A1)"):
        assert neutralise_cell(value) == "'" + value
    assert neutralise_cell("Camille") == "Camille"
    assert neutralise_cell(42) == 42


def test_csv_export_neutralises_a_hostile_name(panel, world, session):
    world.candidate_33.first_name = "=cmd|' /C calc'!A0"
    session.commit()
    panel.sign_in(world.coordinator_33)
    response = panel.get("/admin/candidate/export/csv/")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    first_names = {row["Prénom"] for row in rows}
    assert "'=cmd|' /C calc'!A0" in first_names
    assert not any(name.startswith("=") for name in first_names)
    assert {row["Dép."] for row in rows} == {"33"}


def test_xlsx_export_opens_and_holds_only_the_scope(panel, world, session):
    world.candidate_33.last_name = "@Girondine"
    session.commit()
    panel.sign_in(world.coordinator_33)
    response = panel.get("/admin/candidate/export/xlsx/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    names = [row[header.index("Nom")] for row in body]
    assert "'@Girondine" in names
    assert "Périgord" not in names
    assert len(body) == 2  # the in-pathway and the approved candidate of Gironde
