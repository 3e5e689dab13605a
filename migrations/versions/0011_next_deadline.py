"""Candidates: their next deadline kept on their row, indexed for the list's order and filter;
their phone indexed for the list's search.

The candidate list sorts and filters by the next deadline, and the indicators count the people
past one: the date and code that onboarding.pathway.situation.next_deadline returns are kept on
the candidate (onboarding.pathway.next_deadline), filled here by that same function.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 08:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _extended_departments():
    try:
        from flask import current_app

        return current_app.config.get("EXTENDED_TRAINING_DEPARTMENTS", ())
    except RuntimeError:  # no application context: the default configuration
        return ()


def upgrade():
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_deadline_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("next_deadline", sa.String(length=20), nullable=True))
        batch_op.create_index(
            "ix_candidate_next_deadline",
            ["next_deadline_on", "id", "department_code", "next_deadline"],
            unique=False,
        )
        batch_op.create_index("ix_candidate_phone", ["phone"], unique=False)

    from onboarding.pathway import next_deadline, situation

    situation.configure(extended_training_departments=_extended_departments())
    session = Session(bind=op.get_bind())
    next_deadline.recompute(session, rule_columns_only=True)
    session.flush()
    if op.get_bind().dialect.name == "sqlite":
        # SQLite gathers no statistics by itself: without them its planner takes any index on
        # the WHERE clause (a département) for very selective and sorts tens of thousands of
        # rows, instead of walking the new index in the list's order.
        op.execute("ANALYZE")


def downgrade():
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_index("ix_candidate_phone")
        batch_op.drop_index("ix_candidate_next_deadline")
        batch_op.drop_column("next_deadline")
        batch_op.drop_column("next_deadline_on")
