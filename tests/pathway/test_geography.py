"""Départements from INSEE codes, folded names for search, distances."""

import pytest

from onboarding.pathway.geography import (
    DEPARTMENT_CODES,
    NOUVELLE_AQUITAINE,
    department_of,
    distance_km,
    fold,
    is_department_code,
    normalize_department_code,
)


@pytest.mark.parametrize(
    ("insee_code", "department"),
    [
        ("33063", "33"),  # Bordeaux
        ("2A004", "2A"),  # Ajaccio: Corsica's letter codes
        ("2B033", "2B"),  # Bastia
        ("97411", "974"),  # Saint-Denis de La Réunion: overseas, three characters
        ("97608", "976"),  # Mayotte
        ("01053", "01"),
    ],
)
def test_department_of_an_insee_code(insee_code, department):
    assert department_of(insee_code) == department
    assert is_department_code(department)


def test_the_department_codes_cover_mainland_corsica_and_overseas_not_20():
    assert len(DEPARTMENT_CODES) == 101
    assert {"01", "2A", "2B", "95", "971", "976"} <= DEPARTMENT_CODES
    assert not {"20", "96", "975", "1"} & DEPARTMENT_CODES
    assert set(NOUVELLE_AQUITAINE) <= DEPARTMENT_CODES
    assert len(NOUVELLE_AQUITAINE) == 12


@pytest.mark.parametrize(
    ("typed", "code"), [("1", "01"), (" 2a ", "2A"), ("33", "33"), ("974", "974")]
)
def test_department_codes_as_people_type_them(typed, code):
    assert normalize_department_code(typed) == code


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("L'Île-d'Yeu", "l ile d yeu"),
        ("Œuilly", "oeuilly"),
        ("  Bordeaux  ", "bordeaux"),
        ("Castelnau-d'Estrétefonds", "castelnau d estretefonds"),
        ("Ægypte", "aegypte"),
        ("", ""),
    ],
)
def test_fold_lowercases_strips_accents_and_punctuation(name, folded):
    assert fold(name) == folded


def test_distance_bordeaux_perigueux_about_100_km():
    # Bordeaux (44.8378, -0.5792) to Périgueux (45.1846, 0.7214): about 109 km as the crow flies.
    assert distance_km(44.8378, -0.5792, 45.1846, 0.7214) == pytest.approx(109, abs=3)
    assert distance_km(44.8378, -0.5792, 44.8378, -0.5792) == 0
