"""Imports: what a carers' list gives (birth name and date, agrément number, MAM), and the
files uploaded to the panel's import between their dry run and their confirmation.

Revision ID: 0013
Revises: 0014
Create Date: 2026-12-05 10:36:13.366640

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_upload',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('carers', 'referrals', name='import_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'], name=op.f('fk_import_upload_staff_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_upload')),
    sa.UniqueConstraint('token', name=op.f('uq_import_upload_token'))
    )
    with op.batch_alter_table('import_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_upload_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_upload_staff_user_id'), ['staff_user_id'], unique=False)

    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('agrement_number', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('mam_label', sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_carer_agrement_number'), ['agrement_number'])



def downgrade():
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_carer_agrement_number'), type_='unique')
        batch_op.drop_column('mam_label')
        batch_op.drop_column('agrement_number')
        batch_op.drop_column('birth_date')
        batch_op.drop_column('birth_name')

    with op.batch_alter_table('import_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_upload_staff_user_id'))
        batch_op.drop_index(batch_op.f('ix_import_upload_created_at'))

    op.drop_table('import_upload')
