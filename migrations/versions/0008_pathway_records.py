"""The whole pathway recorded from the panel: PMSMP convention details, the agrément's validity
kept on the carer, renewal requests, the prime d'installation.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 07:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('immersion_convention', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('host_tutor', sa.String(length=150), server_default='', nullable=False)
        )
        batch_op.add_column(
            sa.Column('host_address', sa.String(length=200), server_default='', nullable=False)
        )
        batch_op.add_column(
            sa.Column('prescriber', sa.String(length=150), server_default='', nullable=False)
        )
    with op.batch_alter_table('agrement_decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewal_requested_on', sa.Date(), nullable=True))
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewal_requested_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('bonus_requested_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('bonus_paid_on', sa.Date(), nullable=True))
    # The agrément's last day is kept on the carer by revision 0010 (agrement_expires_on).


def downgrade():
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.drop_column('bonus_paid_on')
        batch_op.drop_column('bonus_requested_on')
        batch_op.drop_column('renewal_requested_on')
    with op.batch_alter_table('agrement_decision', schema=None) as batch_op:
        batch_op.drop_column('renewal_requested_on')
    with op.batch_alter_table('immersion_convention', schema=None) as batch_op:
        batch_op.drop_column('prescriber')
        batch_op.drop_column('host_address')
        batch_op.drop_column('host_tutor')
