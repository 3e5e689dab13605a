"""Dates in words, the one way the programme writes them (pages, documents, exports, texts)."""

from datetime import date

import pytest

from onboarding.pathway.clock import day_in_words, month_in_words


@pytest.mark.parametrize(
    ("day", "words"),
    [(date(2026, 3, 1), "1er mars 2026"), (date(2026, 8, 15), "15 août 2026"),
     (date(2027, 12, 31), "31 décembre 2027")],
)  # fmt: skip
def test_a_day_in_words(day, words):
    assert day_in_words(day) == words


@pytest.mark.parametrize(
    ("month", "words"),
    [("2026-03", "mars 2026"), ("2025-12", "décembre 2025"), ("2026-13", "2026-13"),
     ("2026-00", "2026-00"), ("²026-03", "²026-03"), ("Non renseignée", "Non renseignée")],
)  # fmt: skip
def test_a_month_in_words_and_anything_else_as_it_is(month, words):
    assert month_in_words(month) == words
