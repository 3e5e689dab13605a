"""Candidate space: the personal access link's nonce, and a vacancy's usual daily hours.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 19:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access_nonce', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('access_issued_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('day_starts_at', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('day_ends_at', sa.Time(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_vacancy_day_ends_after_start'),
            'day_starts_at IS NULL OR day_ends_at IS NULL OR day_ends_at > day_starts_at',
        )


def downgrade():
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_vacancy_day_ends_after_start'), type_='check')
        batch_op.drop_column('day_ends_at')
        batch_op.drop_column('day_starts_at')

    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_column('access_issued_at')
        batch_op.drop_column('access_nonce')
