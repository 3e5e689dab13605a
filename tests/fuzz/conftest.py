"""The panel's small world over two départements, shared with the panel's tests."""

from tests.admin.conftest import world  # noqa: F401  (a fixture, used by name)
