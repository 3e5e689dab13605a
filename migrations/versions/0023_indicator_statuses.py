"""The panel's home at a million candidates: the number of dossier pieces still missing kept on
each candidate (onboarding.pathway.missing_pieces); the indicators' summary counts them by
status (and the filed dossiers still missing a piece) and the activities awaiting their roll
call, rebuilt from the records as `flask rebuild-indicators` does; "my candidates", the
activities to come and the requests unanswered for a week each read from an index.

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-05 17:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def _rebuild() -> None:
    from onboarding.pathway.indicators import summary

    session = Session(bind=op.get_bind())
    summary.rebuild(session)
    session.flush()
    if op.get_bind().dialect.name == "sqlite":
        # SQLite gathers no statistics by itself (see 0011).
        op.execute("ANALYZE indicator_count")
        op.execute("ANALYZE candidate")


def upgrade():
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("missing_pieces", sa.Integer(), server_default="0", nullable=False)
        )
    op.execute(
        "UPDATE candidate SET missing_pieces = (SELECT count(*) FROM dossier_item"
        " WHERE dossier_item.candidate_id = candidate.id AND dossier_item.status = 'missing')"
    )
    op.drop_index("ix_candidate_coordinator_id", table_name="candidate")
    op.create_index(
        "ix_candidate_coordinator_department", "candidate", ["coordinator_id", "department_code"]
    )
    op.drop_index("ix_activity_date", table_name="activity")
    op.create_index("ix_activity_date_cancelled", "activity", ["date", "is_cancelled"])
    op.drop_index("ix_activity_department_date", table_name="activity")
    op.create_index(
        "ix_activity_department_date", "activity", ["department_code", "date", "is_cancelled"]
    )
    op.create_index(
        "ix_contact_request_outcome_created_at", "contact_request", ["outcome", "created_at"]
    )
    _rebuild()


def downgrade():
    op.drop_index("ix_contact_request_outcome_created_at", table_name="contact_request")
    op.drop_index("ix_activity_department_date", table_name="activity")
    op.create_index("ix_activity_department_date", "activity", ["department_code", "date"])
    op.drop_index("ix_activity_date_cancelled", table_name="activity")
    op.create_index("ix_activity_date", "activity", ["date"])
    op.drop_index("ix_candidate_coordinator_department", table_name="candidate")
    op.create_index("ix_candidate_coordinator_id", "candidate", ["coordinator_id"])
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_column("missing_pieces")
    # Earlier code reads none of the summary rows added here; the upgrade rebuilds them again.
