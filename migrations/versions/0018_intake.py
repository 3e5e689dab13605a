"""Pre-registrations from the public page (a queue per département, not candidates yet);
waiting lists of full activities; the messages they send.

Revision ID: 0018
Revises: 0019
Create Date: 2026-12-05 10:35:43.386358

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0019'
branch_labels = None
depends_on = None

KINDS = ['enrollment_invitation', 'activity_reminder', 'activity_changed', 'activity_cancelled', 'contact_acknowledgement', 'contact_to_carer', 'contact_without_email', 'access_link', 'absence_notice', 'coordinator_digest', 'alert_confirmation', 'alert_match', 'carer_campaign', 'carer_campaign_reminder', 'carer_stale_warning']
NEW_KINDS = ['waiting_list_offer', 'pre_registration_received', 'pre_registration_accepted', 'pre_registration_closed']


def _message_kinds(kinds):
    """The CHECK constraint of outbox_message.kind lists the kinds; the column's length fits the
    longest. SQLite rebuilds the table (nothing refers to it), PostgreSQL alters it."""
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_message_message_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(), type_=sa.String(length=max(map(len, kinds))), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_outbox_message_message_kind'), sa.column('kind').in_(kinds))


def upgrade():
    op.create_table('pre_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('commune_insee', sa.String(length=5), nullable=False),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.Column('situation', sa.Enum('job_seeker', 'employed', 'parent_at_home', 'other', name='situation', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('consent_version', sa.String(length=20), nullable=False),
    sa.Column('status', sa.Enum('to_qualify', 'accepted', 'closed', name='pre_registration_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('closing_reason', sa.Text(), nullable=True),
    sa.Column('candidate_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_pre_registration_candidate_id_candidate'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['commune_insee'], ['commune.insee_code'], name=op.f('fk_pre_registration_commune_insee_commune')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_user.id'], name=op.f('fk_pre_registration_decided_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pre_registration'))
    )
    with op.batch_alter_table('pre_registration', schema=None) as batch_op:
        batch_op.create_index('ix_pre_registration_queue', ['status', 'department_code', 'created_at'], unique=False)

    op.create_table('waiting_list_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'offered', 'enrolled', 'expired', 'withdrawn', name='waiting_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('offer_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_waiting_list_entry_activity_id_activity')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_waiting_list_entry_candidate_id_candidate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waiting_list_entry'))
    )
    with op.batch_alter_table('waiting_list_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waiting_list_entry_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index('ix_waiting_list_entry_queue', ['activity_id', 'status', 'created_at', 'id'], unique=False)
        batch_op.create_index('uq_waiting_list_entry_active', ['activity_id', 'candidate_id'], unique=True, postgresql_where=sa.text("status IN ('waiting', 'offered')"), sqlite_where=sa.text("status IN ('waiting', 'offered')"))

    _message_kinds(KINDS + NEW_KINDS)



def downgrade():
    with op.batch_alter_table('waiting_list_entry', schema=None) as batch_op:
        batch_op.drop_index('uq_waiting_list_entry_active', postgresql_where=sa.text("status IN ('waiting', 'offered')"), sqlite_where=sa.text("status IN ('waiting', 'offered')"))
        batch_op.drop_index('ix_waiting_list_entry_queue')
        batch_op.drop_index(batch_op.f('ix_waiting_list_entry_candidate_id'))

    op.drop_table('waiting_list_entry')
    with op.batch_alter_table('pre_registration', schema=None) as batch_op:
        batch_op.drop_index('ix_pre_registration_queue')

    op.drop_table('pre_registration')
    op.execute(sa.text('DELETE FROM outbox_message WHERE kind IN (' + ', '.join(repr(k) for k in NEW_KINDS) + ')'))
    _message_kinds(KINDS)
