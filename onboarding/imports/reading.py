"""Reading an uploaded list: CSV (";", "," or tab; UTF-8 with or without a byte order mark, else
Windows-1252, as French Excel writes it) or XLSX (the first sheet), into a header and rows of
cells. A file that cannot be read is refused with a French message before anything is looked at."""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from onboarding.pathway.errors import PathwayError

# A PMI's or an agency's whole list fits well under these.
MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000
TOO_LARGE = (
    f"Le fichier dépasse {MAX_BYTES // (1024 * 1024)} Mo : découpez-le en plusieurs fichiers."
)
XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = (";", ",", "\t")

Cell = str | int | float | date | datetime | None


class ImportFileError(PathwayError):
    """The file as a whole cannot be imported (empty, unreadable, too large, wrong columns)."""


@dataclass
class Table:
    header: list[str]
    # Each row with its line number in the file (the header is line 1).
    rows: list[tuple[int, list[Cell]]]


def read_table(data: bytes, filename: str = "") -> Table:
    """The header and the non-blank rows of a CSV or XLSX file."""
    if not data or not data.strip():
        raise ImportFileError("Le fichier est vide.")
    check_size(len(data))
    name = filename.lower()
    if data.startswith(XLSX_MAGIC):
        rows = _xlsx_rows(data)
    elif name.endswith((".xlsx", ".xls", ".ods")) or b"\x00" in data[:4096]:
        raise ImportFileError(
            "Ce fichier n'est ni un CSV ni un classeur XLSX : enregistrez la liste au format "
            "CSV (séparateur point-virgule) ou XLSX."
        )
    else:
        rows = _csv_rows(data)
    numbered = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if any(cell not in (None, "") and str(cell).strip() for cell in row)
    ]
    if not numbered:
        raise ImportFileError("Le fichier est vide.")
    (_, header), body = numbered[0], numbered[1:]
    if not body:
        raise ImportFileError("Le fichier n'a qu'une ligne d'en-tête : aucune ligne à importer.")
    if len(body) > MAX_LINES:
        raise ImportFileError(
            f"Le fichier compte {len(body)} lignes ; {MAX_LINES} au plus par fichier : découpez-le."
        )
    return Table([str(cell or "").strip() for cell in header], body)


def check_size(size: int) -> None:
    """Refuse a file too large before reading it."""
    if size > MAX_BYTES:
        raise ImportFileError(TOO_LARGE)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # French Excel's "CSV (séparateur : point-virgule)" is written in Windows-1252.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError(
                "Le fichier n'est pas un texte lisible : enregistrez-le en CSV UTF-8 ou en XLSX."
            ) from None


def _csv_rows(data: bytes) -> list[list[Cell]]:
    text = _decode(data)
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ";"
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error:
        raise ImportFileError("Le fichier CSV est mal formé (guillemets non refermés ?).") from None


def _xlsx_rows(data: bytes) -> list[list[Cell]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError(
            "Ce classeur ne peut pas être lu : enregistrez-le de nouveau au format XLSX."
        ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_LINES + 1:
                break
        return rows
    finally:
        workbook.close()
