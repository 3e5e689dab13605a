"""What may leave the panel, printed or as a file, and who may take it: the one rule for partners.

Partners (PMI, RPE, training bodies) read what their départements hold, so they may print what
they read, one document at a time, and the indicators, which name nobody. What takes people's
data out in bulk (a list exported as CSV or XLSX, a bundle of several people's documents in one
PDF, everything held on a person) or changes something (a new personal link on paper revokes the
previous one) is for staff who may change the file: admins and coordinators."""

import enum

from onboarding.pathway.models import StaffUser


class Output(enum.Enum):
    # One document about one person, one activity or one carer: an attestation, a livret, a
    # feuille d'émargement, a fiche de disponibilités.
    DOCUMENT = "document"
    # Figures without names: the indicators' CSV and their one-page report.
    AGGREGATES = "aggregates"
    # Several people's documents in one PDF: the list's bulk action, an activity's attestations.
    BUNDLE = "bundle"
    # A list's rows as CSV or XLSX.
    LIST_EXPORT = "list_export"
    # Everything held on one person (JSON), the right of access.
    PERSONAL_DATA = "personal_data"
    # A new personal link printed for a candidate: it revokes the previous link.
    ACCESS_LETTER = "access_letter"


# What a read-only account (a partner) may take out.
READ_ONLY_OUTPUTS = frozenset({Output.DOCUMENT, Output.AGGREGATES})


def may_take_out(user: StaffUser, output: Output) -> bool:
    """Whether `user` may print or export that kind of output (scope is checked by the row)."""
    return not user.is_read_only or output in READ_ONLY_OUTPUTS
