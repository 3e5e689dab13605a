"""Indexes for the parents' search: freshness in the carers' position index, a covering index
of the places' filters.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 19:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.drop_index('ix_carer_published_position')
        batch_op.create_index('ix_carer_search_position', ['is_published', 'latitude', 'longitude', 'last_confirmed_on'], unique=False)
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.create_index('ix_vacancy_search', ['carer_id', 'available_from', 'age_min_months', 'age_max_months', 'half_days'], unique=False)


def downgrade():
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.drop_index('ix_vacancy_search')
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.drop_index('ix_carer_search_position')
        batch_op.create_index('ix_carer_published_position', ['is_published', 'latitude', 'longitude'], unique=False)
