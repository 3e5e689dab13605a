"""Jinja's undefined values under test: strict for our variables, lenient where Flask-Admin's own
templates probe attributes that some of its widgets do not have (field.widget.input_type)."""

from jinja2 import StrictUndefined

LIBRARY_MODULES = ("flask_admin.", "wtforms.")


class TestingUndefined(StrictUndefined):
    def _from_library(self) -> bool:
        owner = self._undefined_obj
        return type(owner).__module__.startswith(LIBRARY_MODULES)

    def __eq__(self, other):
        if self._from_library():
            return False
        return super().__eq__(other)

    def __ne__(self, other):
        if self._from_library():
            return True
        return super().__ne__(other)

    def __bool__(self):
        if self._from_library():
            return False
        return super().__bool__()

    def __str__(self):
        if self._from_library():
            return ""
        return super().__str__()

    __hash__ = StrictUndefined.__hash__
