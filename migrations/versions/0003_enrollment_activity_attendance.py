"""Index enrolments by activity and attendance: roll calls and attendance counts per activity.

Replaces the single-column index on enrollment.activity_id, which it covers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 18:45:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.create_index('ix_enrollment_activity_attendance', ['activity_id', 'attendance'], unique=False)
        batch_op.drop_index('ix_enrollment_activity_id')


def downgrade():
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.create_index('ix_enrollment_activity_id', ['activity_id'], unique=False)
        batch_op.drop_index('ix_enrollment_activity_attendance')
