"""A suspension of a carer's agrément by the département (L421-6 CASF), read by the rule of who
may be shown and copied onto the parents' search rows (in both of their indexes).

Revision ID: 0020
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0016"
branch_labels = None
depends_on = None

BEFORE = (
    "band", "longitude", "latitude", "half_days", "needs", "age_min_months", "age_max_months",
    "available_from", "last_confirmed_on", "agrement_expires_on", "training_part1_on",
    "withdrawn_on", "carer_id", "rank_tail",
)  # fmt: skip
AFTER = (*BEFORE[:12], "agrement_suspended_until", *BEFORE[12:])


def _indexes(columns) -> None:
    with op.batch_alter_table("search_row", schema=None) as batch_op:
        batch_op.create_index("ix_search_row_position", list(columns), unique=False)
        batch_op.create_index(
            "ix_search_row_needs", ["needs", *(c for c in columns if c != "needs")], unique=False
        )


def _drop_indexes() -> None:
    with op.batch_alter_table("search_row", schema=None) as batch_op:
        batch_op.drop_index("ix_search_row_needs")
        batch_op.drop_index("ix_search_row_position")


def upgrade():
    # Plain ADD COLUMN (nullable): SQLite runs it in place.
    op.add_column("carer", sa.Column("agrement_suspended_until", sa.Date(), nullable=True))
    op.add_column("search_row", sa.Column("agrement_suspended_until", sa.Date(), nullable=True))
    _drop_indexes()
    _indexes(AFTER)


def downgrade():
    _drop_indexes()
    _indexes(BEFORE)
    with op.batch_alter_table("search_row", schema=None) as batch_op:
        batch_op.drop_column("agrement_suspended_until")
    with op.batch_alter_table("carer", schema=None) as batch_op:
        batch_op.drop_column("agrement_suspended_until")
