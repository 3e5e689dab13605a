"""What each line of an import became, and the French summary of the whole file."""

import enum
from dataclasses import dataclass, field


class LineStatus(enum.Enum):
    """Each with the French word the report uses, and its plural."""

    CREATED = ("créée", "créées")
    UPDATED = ("mise à jour", "mises à jour")
    UNCHANGED = ("inchangée", "inchangées")
    MATCHED = ("déjà suivie", "déjà suivies")
    REFUSED = ("refusée", "refusées")

    def __init__(self, label: str, plural: str):
        self.label = label
        self.plural = plural

    @property
    def writes(self) -> bool:
        return self in (LineStatus.CREATED, LineStatus.UPDATED)


@dataclass
class LineReport:
    line: int
    status: LineStatus
    # Who the line is about ("Marie Dupont"), as the file gives it.
    who: str = ""
    # Why it was refused, matched or what changed, in French.
    reason: str = ""


@dataclass
class Planned:
    """What the domain decided for a line, and what it needs to write it."""

    report: LineReport
    payload: object = None


@dataclass
class ImportReport:
    lines: list[LineReport]
    # Headers of the file that no column expects (left aside).
    ignored_columns: list[str] = field(default_factory=list)
    wet_run: bool = False
    skip_refused: bool = False
    # True once the lines to write were written (in the caller's transaction).
    applied: bool = False
    # What was created, for what follows an import (the carers to invite).
    created: list = field(default_factory=list)

    def count(self, status: LineStatus) -> int:
        return sum(1 for line in self.lines if line.status == status)

    @property
    def refused(self) -> int:
        return self.count(LineStatus.REFUSED)

    @property
    def may_apply(self) -> bool:
        return not self.refused or self.skip_refused

    def summary(self) -> str:
        """ "12 lignes : 8 créées, 3 inchangées, 1 refusée." """
        total = len(self.lines)
        parts = []
        for status in LineStatus:
            count = self.count(status)
            if count:
                parts.append(f"{count} {status.label if count == 1 else status.plural}")
        return f"{total} ligne{'s' if total > 1 else ''} : {', '.join(parts)}."

    def outcome(self) -> str:
        """What was done with the file, in French."""
        if self.applied:
            if self.refused:
                return "Import effectué ; les lignes refusées ont été ignorées."
            return "Import effectué."
        if self.wet_run:
            return (
                "Rien n'a été écrit : des lignes sont refusées. Corrigez-les, ou demandez "
                "d'ignorer les lignes refusées."
            )
        return "Essai à blanc : rien n'a été écrit."
