"""Sessions that end and staff sign-in: the candidate's session version, staff TOTP.

`candidate.session_version` is held by every session a personal link opens; signing out raises
it and so ends them all. Staff accounts gain a TOTP secret, when it was enabled and the last
time step accepted; `staff_recovery_code` keeps the SHA-256 of each single-use recovery code.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='0', nullable=False)
        )
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    op.create_table(
        'staff_recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['staff_user_id'], ['staff_user.id'],
            name=op.f('fk_staff_recovery_code_staff_user_id_staff_user'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_recovery_code')),
        sa.UniqueConstraint('code_hash', name=op.f('uq_staff_recovery_code_code_hash')),
    )
    with op.batch_alter_table('staff_recovery_code', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_staff_recovery_code_staff_user_id'), ['staff_user_id'], unique=False
        )


def downgrade():
    op.drop_table('staff_recovery_code')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_column('session_version')
