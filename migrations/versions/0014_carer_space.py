"""The carer's own space: her personal link and invitation, her answers to parents' requests,
her agreement that the Relais Petite Enfance updates her places; a partner's kind.

Revision ID: 0014
Revises: 0018
Create Date: 2026-12-05 10:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0018'
branch_labels = None
depends_on = None

OLD_KINDS = ['enrollment_invitation', 'activity_reminder', 'activity_changed', 'activity_cancelled', 'contact_acknowledgement', 'contact_to_carer', 'contact_without_email', 'access_link', 'absence_notice', 'coordinator_digest', 'alert_confirmation', 'alert_match', 'carer_campaign', 'carer_campaign_reminder', 'carer_stale_warning', 'waiting_list_offer', 'pre_registration_received', 'pre_registration_accepted', 'pre_registration_closed']
NEW_KINDS = OLD_KINDS + ['contact_answer', 'carer_link']


def _kind(kinds):
    return sa.Enum(*kinds, name='message_kind', native_enum=False, create_constraint=True)


def upgrade():
    # Plain ADD COLUMN on the tables other rows refer to (SQLite runs it in place).
    op.add_column('carer', sa.Column('access_nonce', sa.String(length=32), nullable=True))
    op.add_column('carer', sa.Column('access_issued_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('carer', sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
    op.add_column('carer', sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('carer', sa.Column('rpe_mandate_at', sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == 'sqlite':
        # Alembic's ADD COLUMN leaves the Enum's CHECK out; SQLite takes it on the column.
        op.execute(
            "ALTER TABLE staff_user ADD COLUMN partner_kind VARCHAR(8) CONSTRAINT "
            "ck_staff_user_partner_kind CHECK (partner_kind IN ('pmi', 'rpe', 'training', 'other'))"
        )
    else:
        op.add_column('staff_user', sa.Column('partner_kind', sa.String(length=8), nullable=True))
        op.create_check_constraint(
            op.f('ck_staff_user_partner_kind'), 'staff_user',
            "partner_kind IN ('pmi', 'rpe', 'training', 'other')",
        )

    # Nothing refers to these two: a batch (a copy on SQLite) rewrites their CHECK constraints.
    with op.batch_alter_table('contact_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carer_answer', sa.Enum('contacted', 'place_filled', 'no_place', name='carer_answer', native_enum=False, create_constraint=True), nullable=True))
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_kind(OLD_KINDS), type_=_kind(NEW_KINDS), existing_nullable=False)


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.alter_column('kind', existing_type=_kind(NEW_KINDS), type_=_kind(OLD_KINDS), existing_nullable=False)
    with op.batch_alter_table('contact_request', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_contact_request_carer_answer'), type_='check')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('carer_answer')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_staff_user_partner_kind'), type_='check')
        batch_op.drop_column('partner_kind')
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.drop_column('rpe_mandate_at')
        batch_op.drop_column('invited_at')
        batch_op.drop_column('session_version')
        batch_op.drop_column('access_issued_at')
        batch_op.drop_column('access_nonce')
