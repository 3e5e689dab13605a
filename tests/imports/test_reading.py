"""The import core reads what partners send: CSV with ";" or ",", UTF-8 with or without a byte
order mark or Windows-1252, XLSX with real dates or serial numbers; headers matched whatever
their accents, case and little words; and refuses a file it cannot read, in French."""

from datetime import date, datetime

import pytest

from onboarding.imports.cells import read_records
from onboarding.imports.reading import MAX_BYTES, MAX_LINES, ImportFileError, read_table
from onboarding.pathway.carer_import import COLUMNS as CARER_COLUMNS
from onboarding.pathway.referral_import import COLUMNS as REFERRAL_COLUMNS
from tests.imports.files import CARER_HEADER, carer, csv_file, xlsx_file


def _records(data: bytes, filename="liste.csv", columns=CARER_COLUMNS):
    return read_records(read_table(data, filename), columns)


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8-sig"), (";", "utf-8"), (",", "utf-8"), ("\t", "utf-8"), (";", "cp1252")],
)
def test_csv_delimiters_and_encodings(delimiter, encoding):
    data = csv_file(CARER_HEADER, [carer(Nom="Lefèvre", Prénom="Hélène")],
                    delimiter=delimiter, encoding=encoding)  # fmt: skip
    (record,), ignored = _records(data)
    assert record.errors == []
    assert record.line == 2
    assert record.values["last_name"] == "Lefèvre"
    assert record.values["first_name"] == "Hélène"
    assert record.values["birth_date"] == date(1982, 2, 14)
    assert record.values["agrement_capacity"] == 4
    assert ignored == []


def test_xlsx_with_real_dates_and_serial_numbers():
    row = carer()
    row[CARER_HEADER.index("Date de naissance")] = datetime(1982, 2, 14)
    row[CARER_HEADER.index("Date de décision")] = 45538  # 03/09/2024 as Excel counts it
    row[CARER_HEADER.index("Capacité")] = 3
    (record,), _ = _records(xlsx_file(CARER_HEADER, [row]), "liste.xlsx")
    assert record.errors == []
    assert record.values["birth_date"] == date(1982, 2, 14)
    assert record.values["agrement_on"] == date(2024, 9, 3)
    assert record.values["agrement_capacity"] == 3


def test_headers_match_whatever_their_spelling_and_order():
    header = ["N° D'AGREMENT", "prenom", "NOM", "date de la décision", "Nombre d'enfants",
              "CP", "Courriel", "Colonne interne"]  # fmt: skip
    data = csv_file(header, [["ag 1", "Zoé", "Nguyễn", "1/9/2024", "2", "33000", "z@example.org",
                              "x"]])  # fmt: skip
    (record,), ignored = _records(data)
    assert record.errors == []
    assert record.values["agrement_number"] == "ag 1"
    assert record.values["first_name"] == "Zoé"
    assert record.values["agrement_on"] == date(2024, 9, 1)
    assert record.values["email"] == "z@example.org"
    assert ignored == ["Colonne interne"]


def test_unreadable_cells_are_named_in_french():
    data = csv_file(CARER_HEADER, [carer(**{"Date de décision": "31/02/2024",
                                            "Capacité": "quatre", "Nom": ""})])  # fmt: skip
    (record,), _ = _records(data)
    assert record.errors == [
        "Nom : obligatoire.",
        "Date de décision : Date invalide : utilisez le format JJ/MM/AAAA (ex. 01/12/2026).",
        "Capacité : « quatre » n'est pas un nombre entier.",
    ]


def test_a_superscript_digit_is_refused_in_french():
    """ "²" is a digit to str.isdigit(), which float() then refuses in English."""
    data = csv_file(CARER_HEADER, [carer(**{"Date de décision": "²", "Capacité": "²"})])
    (record,), _ = _records(data)
    assert record.errors == [
        "Date de décision : Date invalide : utilisez le format JJ/MM/AAAA (ex. 01/12/2026).",
        "Capacité : « ² » n'est pas un nombre entier.",
    ]


def test_a_two_digit_year_or_an_american_date_is_refused():
    for typed in ("03/09/24", "12/31/2024"):
        (record,), _ = _records(csv_file(CARER_HEADER, [carer(**{"Date de décision": typed})]))
        assert record.errors
        assert record.errors[0].startswith("Date de décision :")


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "liste.csv", "Le fichier est vide."),
        (b" \r\n;;;\r\n", "liste.csv", "Le fichier est vide."),
        ("Nom;Prénom\r\n".encode(), "liste.csv", "Le fichier n'a qu'une ligne d'en-tête"),
        (b"%PDF-1.7\x00\x01binary", "liste.pdf", "Ce fichier n'est ni un CSV ni un classeur"),
        (b"\xd0\xcf\x11\xe0 old excel", "liste.xls", "Ce fichier n'est ni un CSV ni un classeur"),
        (b"PK\x03\x04 not a workbook", "liste.xlsx", "Ce classeur ne peut pas être lu"),
        (b"x" * (MAX_BYTES + 1), "liste.csv", "Le fichier dépasse 5 Mo"),
    ],
)
def test_files_that_cannot_be_read_are_refused_in_french(data, filename, message):
    with pytest.raises(ImportFileError) as refused:
        read_table(data, filename)
    assert refused.value.message.startswith(message)


def test_too_many_lines():
    data = ("Nom\r\n" + "a\r\n" * (MAX_LINES + 1)).encode()
    with pytest.raises(ImportFileError, match="lignes ; 20000 au plus"):
        read_table(data, "liste.csv")


def test_missing_and_doubled_columns_are_refused():
    data = csv_file(["Nom", "Ville"], [["Martin", "Bordeaux"]])
    with pytest.raises(ImportFileError) as refused:
        _records(data)
    assert refused.value.message.startswith(
        "Colonnes manquantes : Prénom, Date de décision, Capacité. Colonnes attendues : Nom, "
    )
    data = csv_file(["Nom", "Prénom", "Nom de famille"], [["a", "b", "c"]])
    with pytest.raises(ImportFileError, match="« Nom » figure deux fois"):
        _records(data, columns=REFERRAL_COLUMNS)
    data = csv_file(["Nom", "Prénom", "Agence"], [["a", "b", "c"]])
    with pytest.raises(ImportFileError, match="manquante : Commune ou Code postal"):
        _records(data, columns=REFERRAL_COLUMNS)
