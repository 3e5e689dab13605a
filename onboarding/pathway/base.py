"""Shared building blocks of the models: declarative base, labelled enums, UTC timestamps, the
département a row takes from its commune."""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, validates

from onboarding.pathway.geography import department_of

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The largest id a BIGINT holds: beyond it a typed number would overflow the database driver.
MAX_ROW_ID = 2**63 - 1


class Model(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class InCommune:
    """A row placed in a commune (`commune_insee`) keeps that commune's département in
    `department_code`, which scopes who may see it."""

    @validates("commune_insee")
    def _derive_department(self, key: str, insee_code: str) -> str:
        self.department_code = department_of(insee_code)
        return insee_code


# Not enum.StrEnum: members are built from (value, label) pairs by the __new__ below.
class Choice(str, enum.Enum):  # noqa: UP042
    """An enum whose value is stored in English and whose label is shown in French."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __str__(self) -> str:
        return self.value

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


def choice_column_type(choice: type[Choice], name: str) -> Enum:
    """A VARCHAR holding the English value, with a CHECK constraint listing the allowed ones."""
    return Enum(
        choice,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in choice),
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class UTCDateTime(TypeDecorator):
    """Timestamps stored as UTC and always read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)
