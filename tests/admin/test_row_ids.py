"""Ids typed in URLs and forms: found by the fuzz tests, huge or exotic numbers were a 500."""

import re

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


def test_every_numbered_route_refuses_a_number_beyond_what_the_database_holds(app, client):
    """Every `<int:…>` of every blueprint (the public pages, the candidate's and carer's spaces,
    the panel): the number is refused by the route itself, before any lookup could overflow."""
    numbered = [
        rule
        for rule in app.url_map.iter_rules()
        if any(type(c).__name__ == "RowNumber" for c in rule._converters.values())
    ]
    assert len(numbered) > 30
    for rule in numbered:
        for value in (str(MAX_ROW_ID + 1), "1" * 40):
            path = rule.rule
            for name in rule.arguments:
                path = re.sub(rf"<int:{name}>", value, path)
            method = "GET" if "GET" in rule.methods else "POST"
            answer = client.open(path, method=method)
            # 405 where another route of that path takes other methods only: no view ran.
            assert answer.status_code in (404, 405), (path, answer.status_code)
        # The largest id the database holds goes through to the view (which finds nothing).
        largest = re.sub(r"<int:\w+>", str(MAX_ROW_ID), rule.rule)
        assert app.url_map.bind("localhost").match(largest, method=method)[0] == rule.endpoint


def test_the_link_command_refuses_a_number_beyond_what_the_database_holds(runner):
    result = runner.invoke(args=["candidate-link", str(MAX_ROW_ID + 1)])
    assert result.exit_code == 2
    assert "is not in the range" in result.output
