"""The indicators' summary: counts per section, département, day and key, kept by the flush in
the same transaction as the changes (onboarding.pathway.indicators.summary), filled from the
existing records by that module's rebuild in 0023; and the index the list of people past a
deadline walks.

Revision ID: 0021
Revises: 0022
Create Date: 2026-12-05 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "indicator_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=12), nullable=False),
        sa.Column("grain", sa.String(length=5), nullable=False),
        sa.Column("department_code", sa.String(length=3), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.String(length=254), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_count")),
    )
    op.create_index(
        "uq_indicator_count",
        "indicator_count",
        ["section", "grain", "day", "department_code", "key", "detail", "value"],
        unique=True,
    )

    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.create_index(
            "ix_candidate_past_deadline",
            ["cohort", "next_deadline_on", "id", "referred_on", "department_code"],
            unique=False,
        )

    # Filled from the records by 0023, whose columns the summary's code reads.


def downgrade():
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_index("ix_candidate_past_deadline")
    op.drop_index("uq_indicator_count", table_name="indicator_count")
    op.drop_table("indicator_count")
