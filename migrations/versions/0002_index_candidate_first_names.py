"""Index candidate first names, searched from the panel's list.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 16:36:37.174068

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_first_name'), ['first_name'], unique=False)


def downgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_first_name'))
