"""Fixtures and settings of the pathway tests (the shared ones live in tests/conftest.py)."""

import pytest

# Plain asserts in the shared expectations module report their values like those of a test.
pytest.register_assert_rewrite("tests.pathway.expectations")
