"""How a screen applies a domain change: run it and commit, or roll back and show its refusal.

Every web module writes through `apply`, so a refusal never leaves half a change in the session
and its French message always reaches the person who asked."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash

from onboarding.extensions import db
from onboarding.pathway.errors import PathwayError

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What `apply` did: true when committed (`value` is what the change returned), false when
    refused (`refusal` holds the domain's error, already shown)."""

    value: T | None = None
    refusal: PathwayError | None = None

    def __bool__(self) -> bool:
        return self.refusal is None


def flashed(prefix: str = "") -> Callable[[PathwayError], None]:
    """Show a refusal as a flashed error message, after `prefix` when one is given."""

    def show(error: PathwayError) -> None:
        flash(f"{prefix}{error.message}", "error")

    return show


def beside_field(
    form, aliases: dict[str, str | None] | None = None, *, also_flash: bool = False
) -> Callable[[PathwayError], None]:
    """Show a refusal beside the form field it is about (`error.field`, renamed by `aliases`;
    an alias to None keeps it off that field), else at the top of the form; `also_flash` flashes
    it too (Flask-Admin forms, whose template shows no form-wide errors)."""

    def show(error: PathwayError) -> None:
        name = (aliases or {}).get(error.field, error.field)
        if name and name in form:
            form[name].errors = [*form[name].errors, error.message]
        elif not also_flash:
            form.form_errors.append(error.message)
        if also_flash:
            flash(error.message, "error")

    return show


def unshown(error: PathwayError) -> None:
    """Show nothing: the caller renders the refusal itself from `Outcome.refusal`."""


def apply(
    change: Callable[[], T], *, show: Callable[[PathwayError], None] | None = None
) -> Outcome[T]:
    """Run `change()` and commit. A `PathwayError` rolls the session back, is shown (flashed by
    default, else by `show`) and is returned in the outcome; nothing is saved."""
    try:
        value = change()
        db.session.commit()
    except PathwayError as error:
        db.session.rollback()
        (show or flashed())(error)
        return Outcome(refusal=error)
    return Outcome(value=value)
