"""Domain errors: each carries a French message that a screen can show as it is."""


class PathwayError(Exception):
    """A rule of the pathway refused an operation. Nothing was changed."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        # The input the message is about, when a form wants to show it beside that field.
        self.field = field


class TransitionNotAllowed(PathwayError):
    """The transition does not start from the candidate's current status."""


class RuleViolation(PathwayError):
    """A legal or product rule forbids the operation."""


class ActivityFull(RuleViolation):
    """Every seat of the activity is taken."""


class DuplicateError(PathwayError):
    """The thing already exists (an email, an enrolment)."""


class ReasonRequired(PathwayError):
    """A programme rule is not met (steps not done): the operation proceeds once a written reason
    is given. `missing` lists what is not done, in French."""

    def __init__(self, message: str, *, missing: list[str], field: str | None = "reason"):
        super().__init__(message, field=field)
        self.missing = missing
