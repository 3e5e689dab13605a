"""Identifiers people type: SIRET (Luhn, La Poste), France Travail identifiers, phone numbers."""

import pytest

from onboarding.pathway.identifiers import (
    is_france_travail_id,
    is_phone,
    is_siret,
    normalize_france_travail_id,
    normalize_phone,
    normalize_siret,
)


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000074",  # Apple France: Luhn sum a multiple of 10
        "35600000000048",  # La Poste's head office: plain Luhn
        "35600000009075",  # a La Poste establishment: digits sum to 40, a multiple of 5
        "35600000009093",
    ],
)
def test_valid_siret_luhn_or_la_poste(siret):
    assert is_siret(siret)


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000075",  # one digit off: Luhn fails
        "50000000000000",
        "35600000009090",  # La Poste SIREN, but digits sum to 23 and Luhn fails
        "7328293200007",  # 13 digits
        "732829320000740",  # 15 digits
        "7328293200007A",
        "1234567890123²",  # str.isdigit() accepts "²"
        "٧٣٢٨٢٩٣٢٠٠٠٠٧٤",  # Arabic-Indic digits
        "73282932000074\n",
        "",
    ],
)
def test_invalid_siret_refused(siret):
    assert not is_siret(siret)


def test_la_poste_rule_does_not_save_another_siren():
    """The multiple-of-5 exception belongs to SIREN 356000000 only."""
    assert sum(int(d) for d in "12300000000004") % 5 == 0
    assert not is_siret("12300000000004")


def test_normalize_siret_drops_spaces_and_dots():
    assert normalize_siret(" 732 829 320.00074 ") == "73282932000074"
    assert is_siret(normalize_siret("732 829 320 00074"))


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("1234567A", "1234567A"),  # 7 digits and a letter (older identifiers)
        ("1234567b", "1234567B"),
        ("12345678", "12345678"),  # 7 digits and a digit
        ("123 456 789 01", "12345678901"),  # 11 digits (since 2025)
        ("1234-567.8901", "12345678901"),
    ],
)
def test_france_travail_id_both_formats_accepted(raw, normalized):
    assert normalize_france_travail_id(raw) == normalized
    assert is_france_travail_id(normalized)


@pytest.mark.parametrize(
    "value",
    ["123456A", "123456AB", "A1234567", "1234567AB", "123456789", "1234567890", "123456789012",
     "1234567890A", "١٢٣٤٥٦٧A", "1234567A\n", ""],
)  # fmt: skip
def test_france_travail_id_other_shapes_refused(value):
    assert not is_france_travail_id(value)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("06 12 34 56 78", "0612345678"),
        ("06.12.34.56.78", "0612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+262 692 12 34 56", "+262692123456"),
        ("(05) 56-00-00-00", "0556000000"),
    ],
)
def test_french_phone_numbers_accepted(raw, normalized):
    assert normalize_phone(raw) == normalized
    assert is_phone(normalized)


@pytest.mark.parametrize(
    "value",
    ["0012345678", "061234567", "06123456789", "+336123456", "+44612345678", "0612345678\n"],
)
def test_french_phone_numbers_refused(value):
    assert not is_phone(value)
