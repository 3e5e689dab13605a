"""Statements compiled once per database dialect and run as the driver's SQL text.

SQLAlchemy's execution of a compiled statement does, on every call, what never changes for the
search's fixed statements: it generates the statement's cache key by walking its whole tree,
renders its IN lists again (`expanding` parameters, one placeholder per value), and looks up the
type of each parameter and column. For a search statement that reads a few dozen rows from an
index, that took as long as the database itself (150-250 µs against 50-100 µs on SQLite).

`DriverStatement` does it once: the text with its placeholders (its IN lists rendered once per
length), each parameter's and each column's conversion (dates to text and back on SQLite), and
the rows' names. A call binds the values and runs the text on a cursor of the session's
connection, in its transaction, through `Connection._cursor_execute`: SQLAlchemy's own path for
the statements it sends outside a result (the engine's events see them, its errors name them).
That method is SQLAlchemy's, not public: tests/search/test_driver_statements.py checks what this
module relies on, to be run again on each SQLAlchemy upgrade. The rows are plain named tuples
with the statement's column names, converted as SQLAlchemy would.
"""

from collections import namedtuple
from functools import lru_cache

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect

# How the compiler marks an IN list rendered at execution (`bindparam(..., expanding=True)`).
POSTCOMPILE = "__[POSTCOMPILE_{}]"


class DriverStatement:
    """One statement for one dialect: run it with `rows(connection, parameters)`."""

    def __init__(self, statement, dialect: Dialect):
        compiled = statement.compile(dialect=dialect)
        binds = compiled.binds
        self.text = compiled.string
        self.positional = compiled.positional
        self.names = tuple(compiled.positiontup) if self.positional else tuple(binds)
        # Values the statement holds itself (an OFFSET 0 the compiler adds…), unless given.
        self.own_values = {
            name: bind.effective_value for name, bind in binds.items() if bind.value is not None
        }
        self.expanding = frozenset(name for name, bind in binds.items() if bind.expanding)
        if self.expanding and (not self.positional or dialect.paramstyle != "qmark"):
            raise ValueError(f"IN lists are rendered for the qmark style, not {dialect.paramstyle}")
        self.bind_processors = {
            name: processor
            for name, bind in binds.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        self.dialect = dialect
        self.columns = statement.selected_columns
        self.row = namedtuple("Row", self.columns.keys(), rename=True)
        # Known from the first rows' description (a conversion may depend on the type the
        # database says it sends).
        self.result_processors: tuple | None = None
        self._texts: dict[tuple[int, ...], str] = {}

    def _text(self, lengths: tuple[int, ...]) -> str:
        """The text with each IN list given that many placeholders (in `expanding` order)."""
        text = self._texts.get(lengths)
        if text is None:
            text = self.text
            for name, length in zip(sorted(self.expanding), lengths, strict=True):
                # An empty list matches nothing, as SQLAlchemy renders it.
                placeholders = ", ".join("?" * length) if length else "SELECT 1 WHERE 1 != 1"
                text = text.replace(POSTCOMPILE.format(name), placeholders)
            text = self._texts[lengths] = text
        return text

    def _bound(self, name: str, parameters: dict):
        value = parameters[name] if name in parameters else self.own_values[name]
        processor = self.bind_processors.get(name)
        return value if processor is None else processor(value)

    def bind(self, parameters: dict) -> tuple[str, tuple | dict]:
        """The text and the driver's parameters for these values."""
        if not self.positional:
            return self.text, {name: self._bound(name, parameters) for name in self.names}
        values = []
        for name in self.names:
            if name in self.expanding:
                processor = self.bind_processors.get(name)
                values.extend(
                    parameters[name] if processor is None else map(processor, parameters[name])
                )
            else:
                values.append(self._bound(name, parameters))
        lengths = tuple(len(parameters[name]) for name in sorted(self.expanding))
        return self._text(lengths), tuple(values)

    def _result_processors(self, description) -> tuple:
        """(position, conversion) of the columns that have one."""
        converted = []
        for position, (column, described) in enumerate(zip(self.columns, description, strict=True)):
            processor = column.type.dialect_impl(self.dialect).result_processor(
                self.dialect, described[1]
            )
            if processor is not None:
                converted.append((position, processor))
        return tuple(converted)

    def rows(self, connection: Connection, parameters: dict) -> list:
        text, values = self.bind(parameters)
        cursor = connection.connection.cursor()
        try:
            # What `exec_driver_sql` does without building a result object around the cursor
            # (a third of a small statement's time): the engine's events, its logging, and its
            # errors (a `DBAPIError` naming the statement).
            connection._cursor_execute(cursor, text, values)
            if self.result_processors is None:
                self.result_processors = self._result_processors(cursor.description)
            raw = cursor.fetchall()
        finally:
            cursor.close()
        make = self.row._make
        if not self.result_processors:
            return [make(row) for row in raw]
        rows = []
        for row in raw:
            row = list(row)
            for position, processor in self.result_processors:
                row[position] = processor(row[position])
            rows.append(make(row))
        return rows


@lru_cache(maxsize=256)
def driver_statement(statement, dialect: Dialect) -> DriverStatement:
    """The statement compiled for that dialect, once per process (the statements are built once
    and cached, and so is an engine's dialect)."""
    return DriverStatement(statement, dialect)
