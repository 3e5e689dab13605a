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


def _csv_rows(response) -> list[dict]:
    """A CSV export as French Excel reads it: UTF-8 with a byte order mark, ";" between cells."""
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:]), delimiter=";"))


def test_every_csv_export_is_in_the_french_excel_convention(panel, world, session, app):
    panel.sign_in(world.admin)
    admin = app.extensions["onboarding_admin"]
    exported = [view for view in admin._views if getattr(view, "exportable", False)]
    assert len(exported) >= 8
    for view in exported:
        response = panel.get(f"/admin/{view.endpoint}/export/csv/")
        assert response.status_code == 200, view.endpoint
        assert response.mimetype == "text/csv"
        body = response.get_data(as_text=True)
        assert body.startswith("\ufeff"), view.endpoint
        header = body[1:].split("\r\n")[0]
        assert ";" in header, (view.endpoint, header)
    # The indicators' CSV is written by the same function.
    assert panel.get("/admin/indicators/export.csv").get_data(as_text=True).startswith("\ufeff")


def test_csv_exports_speak_french(panel, world, session):
    panel.sign_in(world.admin)
    [row, *_] = [
        r for r in _csv_rows(panel.get("/admin/activity/export/csv/"))
        if r["Date"] == f"{world.activity_33.date:%d/%m/%Y}"
    ]  # fmt: skip
    assert "Places prises" in row
    assert "Seats Taken" not in row
    assert row["Début"] == f"{world.activity_33.start_time:%H:%M}"
    candidates = _csv_rows(panel.get("/admin/candidate/export/csv/"))
    girondine = next(r for r in candidates if r["Nom"] == "Girondine")
    assert girondine["Demandeur d'emploi"] in ("Oui", "Non")
    assert girondine["Date d'orientation"] == f"{world.candidate_33.referred_on:%d/%m/%Y}"
    assert girondine["Statut"] == world.candidate_33.status.label


def test_csv_export_neutralises_a_hostile_name(panel, world, session):
    world.candidate_33.first_name = "=cmd|' /C calc'!A0"
    session.commit()
    panel.sign_in(world.coordinator_33)
    response = panel.get("/admin/candidate/export/csv/")
    assert response.status_code == 200
    rows = _csv_rows(response)
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
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Candidats"]
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    names = [row[header.index("Nom")] for row in body]
    assert "'@Girondine" in names
    assert "Périgord" not in names
    assert len(body) == 2  # the in-pathway and the approved candidate of Gironde
