"""The candidate list's filter on the dossier pieces (some missing, or all received): whether a
candidate has a missing piece is read from an index on (candidate, status) alone.

Revision ID: 0022
Revises: 0020
"""

from alembic import op

revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dossier_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dossier_item_candidate_id_status", ["candidate_id", "status"], unique=False
        )


def downgrade():
    with op.batch_alter_table("dossier_item", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_item_candidate_id_status")
