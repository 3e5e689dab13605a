"""The journal's lines written by the imports named their objects "carer" and "candidate"; every
other line names its model ("Carer", "Candidate"), which the journal's filter offers.

Revision ID: 0024
Revises: 0023
"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE audit_log SET object_type = 'Carer' WHERE object_type = 'carer'")
    op.execute("UPDATE audit_log SET object_type = 'Candidate' WHERE object_type = 'candidate'")


def downgrade():
    # The imports' lines cannot be told apart from the others any more: they stay as they are.
    pass
