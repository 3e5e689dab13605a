"""The columns an import expects, and how a file's headers are matched to them: accents, case,
punctuation and little words aside ("N° d'agrément", "numero agrement" and "AGRÉMENT" are one);
and a line as the domain receives it, its cells read under those columns."""

from dataclasses import dataclass, field

from onboarding.pathway.geography import fold

TEXT, DATE, INTEGER = "text", "date", "integer"
# Words that headers add or leave out without changing their meaning.
FILLERS = frozenset({"n", "no", "num", "numero", "d", "de", "du", "des", "la", "le", "l", "en"})


def header_key(header: str) -> str:
    """ "N° d'agrément" → "agrement"; "Date de naissance" → "date naissance" """
    return " ".join(word for word in fold(header).split() if word not in FILLERS)


@dataclass(frozen=True)
class Column:
    key: str
    # The header of the example file, shown in messages and in the README.
    label: str
    kind: str = TEXT
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int | None = None

    @property
    def keys(self) -> set[str]:
        return {header_key(name) for name in (self.label, *self.aliases)}


@dataclass(frozen=True)
class Columns:
    columns: tuple[Column, ...]
    # Groups of which at least one column must be there (the commune or its postcode).
    one_of: tuple[tuple[str, ...], ...] = field(default=())

    def __iter__(self):
        return iter(self.columns)

    def label(self, key: str) -> str:
        return next(column.label for column in self.columns if column.key == key)

    def expected(self) -> str:
        return ", ".join(column.label for column in self.columns)


@dataclass
class Record:
    """One line of the file: its number, its values by column key, and why cells were refused."""

    line: int
    values: dict[str, object] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
