"""The parents' search's rows: one per place of a published carer, with the carer's position
and the columns of who may be shown, the place's facts and the constant part of its ranking key
(onboarding.pathway.search_rows keeps them on every flush; filled here from the tables).

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-05 11:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None

# The place's needs as a bitmask, in the order of the schedule's needs at this revision.
NEEDS = ("early", "late", "night", "periscolaire", "holidays", "emergency", "disability")
# The carer's latitude band (tenths of a degree), and the key's tail:
# (65535 - days since 2000-01-01) << 32 | (4294967295 - id).
POSITION = (
    "band", "longitude", "latitude", "half_days", "needs", "age_min_months", "age_max_months",
    "available_from", "last_confirmed_on", "agrement_expires_on", "training_part1_on",
    "withdrawn_on", "carer_id", "rank_tail",
)  # fmt: skip
DAYS = {
    "sqlite": "CAST(julianday(v.available_from) - julianday('2000-01-01') AS INTEGER)",
    "postgresql": "(v.available_from - DATE '2000-01-01')",
}


def upgrade():
    op.create_table(
        "search_row",
        sa.Column("vacancy_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("carer_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("last_confirmed_on", sa.Date(), nullable=True),
        sa.Column("agrement_expires_on", sa.Date(), nullable=False),
        sa.Column("training_part1_on", sa.Date(), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("mam_id", sa.Integer(), nullable=True),
        sa.Column("available_from", sa.Date(), nullable=False),
        sa.Column("age_min_months", sa.Integer(), nullable=False),
        sa.Column("age_max_months", sa.Integer(), nullable=False),
        sa.Column("half_days", sa.Integer(), nullable=False),
        sa.Column("needs", sa.Integer(), nullable=False),
        sa.Column("rank_tail", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["carer_id"], ["carer.id"], name=op.f("fk_search_row_carer_id_carer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"], ["vacancy.id"], name=op.f("fk_search_row_vacancy_id_vacancy"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("vacancy_id", name=op.f("pk_search_row")),
    )  # fmt: skip
    with op.batch_alter_table("search_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_row_carer_id"), ["carer_id"], unique=False)
        batch_op.create_index("ix_search_row_position", list(POSITION), unique=False)
        batch_op.create_index(
            "ix_search_row_needs", ["needs", *(c for c in POSITION if c != "needs")], unique=False
        )

    dialect = op.get_bind().dialect.name
    needs = " + ".join(
        f"CASE WHEN v.{name} THEN {1 << bit} ELSE 0 END" for bit, name in enumerate(NEEDS)
    )
    days = f"LEAST(GREATEST({DAYS[dialect]}, 0), 65535)"
    if dialect == "sqlite":
        days = f"MIN(MAX({DAYS[dialect]}, 0), 65535)"
    band = "CAST(floor(c.latitude * 10) AS INTEGER)"
    op.execute(
        "INSERT INTO search_row (vacancy_id, carer_id, band, latitude, longitude,"
        " last_confirmed_on, agrement_expires_on, training_part1_on, withdrawn_on, mam_id,"
        " available_from,"
        " age_min_months,"
        " age_max_months, half_days, needs, rank_tail)"
        f" SELECT v.id, c.id, {band}, c.latitude, c.longitude, c.last_confirmed_on,"
        " c.agrement_expires_on, c.training_part1_on, c.withdrawn_on, c.mam_id, v.available_from,"
        f" v.age_min_months, v.age_max_months, v.half_days, {needs},"
        f" ((65535 - {days}) * 4294967296) + (4294967295 - v.id)"
        " FROM vacancy v JOIN carer c ON c.id = v.carer_id"
        " WHERE c.is_published AND c.publication_consent_at IS NOT NULL"
    )
    if dialect == "sqlite":
        op.execute("ANALYZE")


def downgrade():
    with op.batch_alter_table("search_row", schema=None) as batch_op:
        batch_op.drop_index("ix_search_row_needs")
        batch_op.drop_index("ix_search_row_position")
        batch_op.drop_index(batch_op.f("ix_search_row_carer_id"))
    op.drop_table("search_row")
