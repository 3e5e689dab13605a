"""Initial schema, and the bundled reference of communes.

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 16:11:11.152230

"""
import sqlalchemy as sa
from alembic import op

from onboarding.pathway.communes import load_communes


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    commune = op.create_table('commune',
    sa.Column('insee_code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('search_name', sa.String(length=100), nullable=False),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.Column('postcodes', sa.String(length=120), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('insee_code', name=op.f('pk_commune'))
    )
    with op.batch_alter_table('commune', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commune_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_commune_search_name'), ['search_name'], unique=False)

    op.create_table('pathway_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('information', 'immersion', 'coaching', 'module', name='activity_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_mandatory', sa.Boolean(), nullable=False),
    sa.Column('required_sessions', sa.Integer(), nullable=False),
    sa.Column('required_hours', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('required_hours >= 0', name=op.f('ck_pathway_step_required_hours_positive')),
    sa.CheckConstraint('required_sessions >= 0', name=op.f('ck_pathway_step_required_sessions_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pathway_step'))
    )
    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=150), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.Enum('admin', 'coordinator', 'partner', name='staff_role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('departments', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('login_id', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_user_email')),
    sa.UniqueConstraint('login_id', name=op.f('uq_staff_user_login_id'))
    )
    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('information', 'immersion', 'coaching', 'module', name='activity_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('title', sa.String(length=150), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('place_name', sa.String(length=150), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('commune_insee', sa.String(length=5), nullable=False),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.Column('host_name', sa.String(length=150), nullable=True),
    sa.Column('host_siret', sa.String(length=14), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('seats_taken', sa.Integer(), nullable=False),
    sa.Column('what_to_bring', sa.Text(), nullable=False),
    sa.Column('is_cancelled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_activity_capacity_positive')),
    sa.CheckConstraint('end_time > start_time', name=op.f('ck_activity_ends_after_start')),
    sa.CheckConstraint('seats_taken >= 0 AND seats_taken <= capacity', name=op.f('ck_activity_seats_within_capacity')),
    sa.ForeignKeyConstraint(['commune_insee'], ['commune.insee_code'], name=op.f('fk_activity_commune_insee_commune')),
    sa.ForeignKeyConstraint(['step_id'], ['pathway_step.id'], name=op.f('fk_activity_step_id_pathway_step')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_date'), ['date'], unique=False)
        batch_op.create_index('ix_activity_department_date', ['department_code', 'date'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_step_id'), ['step_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=50), nullable=False),
    sa.Column('object_id', sa.String(length=50), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_user.id'], name=op.f('fk_audit_log_actor_id_staff_user'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_audit_log_object', ['object_type', 'object_id'], unique=False)

    op.create_table('candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('commune_insee', sa.String(length=5), nullable=False),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.Column('referral_source', sa.Enum('france_travail', 'caf', 'rpe', 'pmi', 'mission_locale', 'self', 'other', name='referral_source', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('referred_by', sa.String(length=200), nullable=True),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('cohort', sa.String(length=7), nullable=False),
    sa.Column('is_job_seeker', sa.Boolean(), nullable=False),
    sa.Column('france_travail_id', sa.String(length=11), nullable=True),
    sa.Column('coordinator_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('referred', 'in_pathway', 'dossier_filed', 'under_evaluation', 'approved', 'refused', 'active', 'withdrawn', name='candidate_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawal_reason', sa.Enum('job_or_training', 'project_abandoned', 'housing', 'health', 'family', 'moved', 'unreachable', 'other', name='withdrawal_reason', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('withdrawal_note', sa.Text(), nullable=True),
    sa.Column('dossier_filed_on', sa.Date(), nullable=True),
    sa.Column('dossier_complete_on', sa.Date(), nullable=True),
    sa.Column('requested_capacity', sa.Integer(), nullable=True),
    sa.Column('has_cap_aepe_units', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('requested_capacity IS NULL OR requested_capacity BETWEEN 1 AND 4', name=op.f('ck_candidate_requested_capacity_range')),
    sa.ForeignKeyConstraint(['commune_insee'], ['commune.insee_code'], name=op.f('fk_candidate_commune_insee_commune')),
    sa.ForeignKeyConstraint(['coordinator_id'], ['staff_user.id'], name=op.f('fk_candidate_coordinator_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidate')),
    sa.UniqueConstraint('france_travail_id', name=op.f('uq_candidate_france_travail_id'))
    )
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_cohort'), ['cohort'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_commune_insee'), ['commune_insee'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_coordinator_id'), ['coordinator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_dossier_complete_on'), ['dossier_complete_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_last_name'), ['last_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidate_status'), ['status'], unique=False)

    commune_postcode = op.create_table('commune_postcode',
    sa.Column('postcode', sa.String(length=5), nullable=False),
    sa.Column('insee_code', sa.String(length=5), nullable=False),
    sa.ForeignKeyConstraint(['insee_code'], ['commune.insee_code'], name=op.f('fk_commune_postcode_insee_code_commune'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('postcode', 'insee_code', name=op.f('pk_commune_postcode'))
    )
    op.create_table('agrement_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('granted', 'deemed_granted', 'refused', name='decision_outcome', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('is_renewal', sa.Boolean(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(outcome = 'refused' AND capacity IS NULL AND valid_until IS NULL) OR (outcome <> 'refused' AND capacity BETWEEN 1 AND 4 AND valid_until IS NOT NULL)", name=op.f('ck_agrement_decision_capacity_matches_outcome')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_agrement_decision_candidate_id_candidate')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_agrement_decision_created_by_id_staff_user'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agrement_decision'))
    )
    with op.batch_alter_table('agrement_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agrement_decision_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('carer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.Enum('pathway', 'imported', name='carer_source', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('commune_insee', sa.String(length=5), nullable=False),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('agrement_on', sa.Date(), nullable=False),
    sa.Column('agrement_capacity', sa.Integer(), nullable=False),
    sa.Column('presentation', sa.Text(), nullable=False),
    sa.Column('is_published', sa.Boolean(), nullable=False),
    sa.Column('publication_consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('publication_consent_version', sa.String(length=20), nullable=True),
    sa.Column('show_address', sa.Boolean(), nullable=False),
    sa.Column('show_email', sa.Boolean(), nullable=False),
    sa.Column('show_phone', sa.Boolean(), nullable=False),
    sa.Column('last_confirmed_on', sa.Date(), nullable=True),
    sa.Column('first_child_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('agrement_capacity BETWEEN 1 AND 4', name=op.f('ck_carer_capacity_range')),
    sa.CheckConstraint('show_email OR show_phone', name=op.f('ck_carer_email_or_phone_shown')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_carer_candidate_id_candidate')),
    sa.ForeignKeyConstraint(['commune_insee'], ['commune.insee_code'], name=op.f('fk_carer_commune_insee_commune')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carer')),
    sa.UniqueConstraint('candidate_id', name=op.f('uq_carer_candidate_id'))
    )
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carer_department_code'), ['department_code'], unique=False)
        batch_op.create_index('ix_carer_published_position', ['is_published', 'latitude', 'longitude'], unique=False)

    op.create_table('dossier_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('cerfa_form', 'identity', 'residence_permit', 'proof_of_address', 'medical_certificate', name='dossier_item_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('missing', 'received', 'not_applicable', name='dossier_item_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_dossier_item_candidate_id_candidate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_item')),
    sa.UniqueConstraint('candidate_id', 'kind', name=op.f('uq_dossier_item_candidate_id_kind'))
    )
    with op.batch_alter_table('dossier_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_item_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('enrollment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('attendance', sa.Enum('pending', 'attended', 'excused', 'absent', name='attendance', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('hours_credited', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('excused_by_candidate', sa.Boolean(), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('enrolled_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('hours_credited IS NULL OR hours_credited >= 0', name=op.f('ck_enrollment_hours_credited_positive')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_enrollment_activity_id_activity')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_enrollment_candidate_id_candidate')),
    sa.ForeignKeyConstraint(['enrolled_by_id'], ['staff_user.id'], name=op.f('fk_enrollment_enrolled_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollment')),
    sa.UniqueConstraint('candidate_id', 'activity_id', name=op.f('uq_enrollment_candidate_id_activity_id'))
    )
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollment_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollment_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('immersion_convention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('host_name', sa.String(length=150), nullable=False),
    sa.Column('host_siret', sa.String(length=14), nullable=False),
    sa.Column('purpose', sa.Enum('discover', 'confirm', 'recruit', name='immersion_purpose', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('renewal_of_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_immersion_convention_ends_after_start')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_immersion_convention_candidate_id_candidate')),
    sa.ForeignKeyConstraint(['renewal_of_id'], ['immersion_convention.id'], name=op.f('fk_immersion_convention_renewal_of_id_immersion_convention')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_immersion_convention')),
    sa.UniqueConstraint('renewal_of_id', name=op.f('uq_immersion_convention_renewal_of_id'))
    )
    with op.batch_alter_table('immersion_convention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_immersion_convention_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_immersion_convention_host_siret'), ['host_siret'], unique=False)

    op.create_table('training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('block', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('course', 'evaluation', name='training_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('hours', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('includes_first_aid', sa.Boolean(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'evaluation' AND passed IS NOT NULL) OR (kind = 'course' AND passed IS NULL)", name=op.f('ck_training_passed_only_for_evaluation')),
    sa.CheckConstraint('block IS NULL OR block IN (1, 2, 3)', name=op.f('ck_training_block_range')),
    sa.CheckConstraint('hours >= 0', name=op.f('ck_training_hours_positive')),
    sa.CheckConstraint('part IN (1, 2)', name=op.f('ck_training_part_one_or_two')),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_training_candidate_id_candidate')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training'))
    )
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('transition_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.Enum('referred', 'in_pathway', 'dossier_filed', 'under_evaluation', 'approved', 'refused', 'active', 'withdrawn', name='from_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('to_status', sa.Enum('referred', 'in_pathway', 'dossier_filed', 'under_evaluation', 'approved', 'refused', 'active', 'withdrawn', name='to_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_user.id'], name=op.f('fk_transition_log_actor_id_staff_user'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], name=op.f('fk_transition_log_candidate_id_candidate'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transition_log'))
    )
    with op.batch_alter_table('transition_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transition_log_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index('ix_transition_log_name_to_status', ['name', 'to_status'], unique=False)

    op.create_table('contact_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('carer_id', sa.Integer(), nullable=False),
    sa.Column('parent_name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('commune_insee', sa.String(length=5), nullable=False),
    sa.Column('child_birth_date', sa.Date(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('half_days', sa.Integer(), nullable=False),
    sa.Column('needs', sa.Integer(), nullable=False),
    sa.Column('is_job_seeker', sa.Boolean(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consent_version', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.Enum('new', 'contacted', 'contract_signed', 'no_match', name='contact_outcome', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('email IS NOT NULL OR phone IS NOT NULL', name=op.f('ck_contact_request_email_or_phone')),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], name=op.f('fk_contact_request_carer_id_carer')),
    sa.ForeignKeyConstraint(['commune_insee'], ['commune.insee_code'], name=op.f('fk_contact_request_commune_insee_commune')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['staff_user.id'], name=op.f('fk_contact_request_handled_by_id_staff_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_request'))
    )
    with op.batch_alter_table('contact_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_request_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_request_created_at'), ['created_at'], unique=False)

    op.create_table('vacancy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('carer_id', sa.Integer(), nullable=False),
    sa.Column('available_from', sa.Date(), nullable=False),
    sa.Column('age_min_months', sa.Integer(), nullable=False),
    sa.Column('age_max_months', sa.Integer(), nullable=False),
    sa.Column('half_days', sa.Integer(), nullable=False),
    sa.Column('early', sa.Boolean(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('night', sa.Boolean(), nullable=False),
    sa.Column('periscolaire', sa.Boolean(), nullable=False),
    sa.Column('holidays', sa.Boolean(), nullable=False),
    sa.Column('emergency', sa.Boolean(), nullable=False),
    sa.Column('disability', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('age_max_months <= 216', name=op.f('ck_vacancy_age_max_minor')),
    sa.CheckConstraint('age_max_months >= age_min_months', name=op.f('ck_vacancy_age_range_ordered')),
    sa.CheckConstraint('age_min_months >= 0', name=op.f('ck_vacancy_age_min_positive')),
    sa.CheckConstraint('half_days > 0 AND half_days < 16384', name=op.f('ck_vacancy_half_days_grid')),
    sa.ForeignKeyConstraint(['carer_id'], ['carer.id'], name=op.f('fk_vacancy_carer_id_carer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vacancy'))
    )
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vacancy_carer_id'), ['carer_id'], unique=False)
        batch_op.create_index('ix_vacancy_from_half_days', ['available_from', 'half_days'], unique=False)

    # The communes are reference data: every install needs them before its first request.
    load_communes(op.get_bind(), commune, commune_postcode)


def downgrade():
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.drop_index('ix_vacancy_from_half_days')
        batch_op.drop_index(batch_op.f('ix_vacancy_carer_id'))

    op.drop_table('vacancy')
    with op.batch_alter_table('contact_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_request_created_at'))
        batch_op.drop_index(batch_op.f('ix_contact_request_carer_id'))

    op.drop_table('contact_request')
    with op.batch_alter_table('transition_log', schema=None) as batch_op:
        batch_op.drop_index('ix_transition_log_name_to_status')
        batch_op.drop_index(batch_op.f('ix_transition_log_candidate_id'))

    op.drop_table('transition_log')
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_candidate_id'))

    op.drop_table('training')
    with op.batch_alter_table('immersion_convention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_immersion_convention_host_siret'))
        batch_op.drop_index(batch_op.f('ix_immersion_convention_candidate_id'))

    op.drop_table('immersion_convention')
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollment_candidate_id'))
        batch_op.drop_index(batch_op.f('ix_enrollment_activity_id'))

    op.drop_table('enrollment')
    with op.batch_alter_table('dossier_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_item_candidate_id'))

    op.drop_table('dossier_item')
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.drop_index('ix_carer_published_position')
        batch_op.drop_index(batch_op.f('ix_carer_department_code'))

    op.drop_table('carer')
    with op.batch_alter_table('agrement_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agrement_decision_candidate_id'))

    op.drop_table('agrement_decision')
    op.drop_table('commune_postcode')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidate_status'))
        batch_op.drop_index(batch_op.f('ix_candidate_last_name'))
        batch_op.drop_index(batch_op.f('ix_candidate_email'))
        batch_op.drop_index(batch_op.f('ix_candidate_dossier_complete_on'))
        batch_op.drop_index(batch_op.f('ix_candidate_department_code'))
        batch_op.drop_index(batch_op.f('ix_candidate_coordinator_id'))
        batch_op.drop_index(batch_op.f('ix_candidate_commune_insee'))
        batch_op.drop_index(batch_op.f('ix_candidate_cohort'))

    op.drop_table('candidate')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_object')
        batch_op.drop_index(batch_op.f('ix_audit_log_created_at'))

    op.drop_table('audit_log')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_step_id'))
        batch_op.drop_index('ix_activity_department_date')
        batch_op.drop_index(batch_op.f('ix_activity_date'))

    op.drop_table('activity')
    op.drop_table('staff_user')
    op.drop_table('pathway_step')
    with op.batch_alter_table('commune', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commune_search_name'))
        batch_op.drop_index(batch_op.f('ix_commune_department_code'))

    op.drop_table('commune')
