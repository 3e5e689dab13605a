"""Ids typed in URLs and forms: found by the fuzz tests, huge or exotic numbers were a 500."""

import pytest

from onboarding.admin.base import MAX_ROW_ID, row_id


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("42", 42), (" 7 ", 7), (str(MAX_ROW_ID), MAX_ROW_ID), (3, 3)],
)
def test_row_id_accepts_positive_ids_the_database_can_hold(typed, expected):
    assert row_id(typed) == expected


@pytest.mark.parametrize(
    "typed", [None, "", "0", "-1", "1.5", "1e3", "²", "٣", str(MAX_ROW_ID + 1), "12a", "0x1f"]
)
def test_row_id_refuses_anything_else(typed):
    assert row_id(typed) is None


def test_a_huge_id_in_the_url_is_a_404_not_a_crash(panel, world):
    panel.sign_in(world.coordinator_33)
    assert panel.get(f"/admin/candidate/details/?id={MAX_ROW_ID + 1}").status_code == 404
    assert panel.get("/admin/activity/details/?id=²").status_code == 404
