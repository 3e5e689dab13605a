"""From a file's header and cells to each line's values: the columns found, and each cell read
as text, a date (JJ/MM/AAAA, AAAA-MM-JJ, an Excel date or its serial number) or a whole number,
with a French message for a cell that cannot be read."""

from datetime import date, datetime, timedelta

from onboarding.fields import parse_date
from onboarding.imports.columns import DATE, INTEGER, Column, Columns, Record, header_key
from onboarding.imports.reading import Cell, ImportFileError, Table

# Excel counts days from 30 December 1899 (its 1900 leap-year bug included).
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIALS = range(1, 73_051)  # up to 31/12/2099


def match_header(header: list[str], columns: Columns) -> tuple[dict[str, int], list[str]]:
    """Each expected column's position in the file, and the headers nothing expects."""
    found: dict[str, int] = {}
    ignored = []
    for position, name in enumerate(header):
        key = header_key(name)
        column = next((c for c in columns if key and key in c.keys), None)
        if column is None:
            if name:
                ignored.append(name)
            continue
        if column.key in found:
            raise ImportFileError(
                f"La colonne « {column.label} » figure deux fois (« {header[found[column.key]]} » "
                f"et « {name} ») : gardez-en une."
            )
        found[column.key] = position
    missing = [c.label for c in columns if c.required and c.key not in found]
    for group in columns.one_of:
        if not any(key in found for key in group):
            missing.append(" ou ".join(columns.label(key) for key in group))
    if missing:
        raise ImportFileError(
            f"Colonne{'s' if len(missing) > 1 else ''} manquante{'s' if len(missing) > 1 else ''}"
            f" : {', '.join(missing)}. Colonnes attendues : {columns.expected()}."
        )
    return found, ignored


def read_records(table: Table, columns: Columns) -> tuple[list[Record], list[str]]:
    positions, ignored = match_header(table.header, columns)
    records = []
    for line, cells in table.rows:
        record = Record(line)
        for column in columns:
            position = positions.get(column.key)
            raw = cells[position] if position is not None and position < len(cells) else None
            try:
                record.values[column.key] = read_cell(raw, column)
            except ValueError as error:
                record.errors.append(f"{column.label} : {error}")
        records.append(record)
    return records, ignored


def read_cell(raw: Cell, column: Column):
    """The cell's value for that column, None when empty; ValueError (French) when unreadable."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        if column.required:
            raise ValueError("obligatoire.")
        return None
    if column.kind == DATE:
        return _date(raw)
    if column.kind == INTEGER:
        return _integer(raw)
    if isinstance(raw, datetime | date):
        raw = f"{raw:%d/%m/%Y}"
    elif isinstance(raw, float) and raw.is_integer():
        raw = str(int(raw))
    text = " ".join(str(raw).split())
    if column.max_length and len(text) > column.max_length:
        raise ValueError(f"{column.max_length} caractères au plus.")
    return text


def _date(raw: Cell) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw)
    if isinstance(raw, int | float) or text.isdecimal():
        serial = int(float(raw))
        if serial in EXCEL_SERIALS:
            return EXCEL_EPOCH + timedelta(days=serial)
    return parse_date(text)


def _integer(raw: Cell) -> int:
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, int):
        return raw
    text = str(raw).strip()
    if not text.isdecimal() or not text.isascii():
        raise ValueError(f"« {text[:40]} » n'est pas un nombre entier.")
    return int(text)
