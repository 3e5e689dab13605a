"""Files as partners send them, written for the import tests, and what the tests read back."""

import csv
import io

from openpyxl import Workbook
from sqlalchemy import func, select

CARER_HEADER = ["Nom", "Prénom", "Nom de naissance", "Date de naissance", "Numéro d'agrément",
                "Date de décision", "Date d'expiration", "Capacité", "Commune", "Code postal",
                "Adresse", "Téléphone", "E-mail", "MAM"]  # fmt: skip
REFERRAL_HEADER = ["Nom", "Prénom", "Date de naissance", "Identifiant France Travail", "E-mail",
                   "Téléphone", "Commune", "Code postal", "Agence", "Conseiller",
                   "Date d'orientation"]  # fmt: skip


def csv_file(header, rows, *, delimiter=";", encoding="utf-8-sig") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_file(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def carer(**values) -> list:
    """A carers' list line: a Bordeaux carer unless told otherwise."""
    line = {"Nom": "Lacoste", "Prénom": "Sandrine", "Nom de naissance": "",
            "Date de naissance": "14/02/1982", "Numéro d'agrément": "AG-33-0001",
            "Date de décision": "03/09/2024", "Date d'expiration": "", "Capacité": "4",
            "Commune": "Bordeaux", "Code postal": "33000", "Adresse": "12 rue des Lilas",
            "Téléphone": "06 12 34 56 78", "E-mail": "sandrine@example.org", "MAM": ""}  # fmt: skip
    line.update(values)
    return [line[name] for name in CARER_HEADER]


def referral(**values) -> list:
    """An adviser's export line: a Bordeaux job seeker unless told otherwise."""
    line = {"Nom": "Martin", "Prénom": "Léa", "Date de naissance": "12/05/1991",
            "Identifiant France Travail": "1234567A", "E-mail": "lea.martin@example.org",
            "Téléphone": "06 11 22 33 44", "Commune": "Bordeaux", "Code postal": "33000",
            "Agence": "Agence Bordeaux Saint-Jean", "Conseiller": "Paul Girard",
            "Date d'orientation": "02/03/2026"}  # fmt: skip
    line.update(values)
    return [line[name] for name in REFERRAL_HEADER]


def count_rows(session, model) -> int:
    """Rows of that model in the database, as another transaction would read them."""
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def statuses(report) -> list[tuple]:
    """Each line's number, status and reason."""
    return [(line.line, line.status, line.reason) for line in report.lines]
