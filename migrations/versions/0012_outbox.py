"""The outbox of messages to people; an activity's sequence (its calendar event's version);
a candidate's refusal of text messages; parents' search alerts; a staff member's phone.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 07:45:24.030657

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('enrollment_invitation', 'activity_reminder', 'activity_changed', 'activity_cancelled', 'contact_acknowledgement', 'contact_to_carer', 'contact_without_email', 'access_link', 'absence_notice', 'coordinator_digest', 'alert_confirmation', 'alert_match', 'carer_campaign', 'carer_campaign_reminder', 'carer_stale_warning', name='message_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('channel', sa.Enum('email', 'sms', name='message_channel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', 'interrupted', 'obsolete', name='message_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=100), nullable=True),
    sa.Column('claimed_by', sa.String(length=40), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_outbox_message_candidate_id_candidate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('key', name=op.f('uq_outbox_message_key'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_candidate', ['candidate_id', 'created_at'], unique=False)
        batch_op.create_index('ix_outbox_message_due', ['status', 'due_at'], unique=False)

    op.create_table('search_alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('commune_insee', sa.String(length=5), nullable=False),
    sa.Column('radius_km', sa.Integer(), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('half_days', sa.Integer(), nullable=False),
    sa.Column('needs', sa.Integer(), nullable=False),
    sa.Column('consent_version', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('told_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_alert')),
    sa.UniqueConstraint('token', name=op.f('uq_search_alert_token'))
    )
    op.create_index('ix_search_alert_watch', 'search_alert', ['confirmed_at', 'told_at', 'checked_at'], unique=False)

    # Plain ADD COLUMN (with a default), which SQLite runs in place: a batch would copy and
    # drop these tables, which rows of other tables refer to.
    op.add_column('activity', sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))
    op.add_column('staff_user', sa.Column('phone', sa.String(length=20), nullable=True))
    op.add_column('candidate', sa.Column('sms_refused', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_column('sms_refused')

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_column('sequence')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_due')
        batch_op.drop_index('ix_outbox_message_candidate')

    op.drop_table('outbox_message')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('phone')
    op.drop_index('ix_search_alert_watch', table_name='search_alert')
    op.drop_table('search_alert')
