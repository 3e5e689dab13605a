"""Candidates: the steps they reached, kept on their row; covering indexes for the indicators.

The funnel counted the steps reached by joining every attended enrolment to its activity and
candidate; it now reads `steps_reached`, filled here from the enrolments. Covering indexes let
the other scans read indexes alone: ix_candidate_indicators (it leads with the cohort, so it
replaces the cohort's own), the status's index widened for the deadlines and the withdrawals,
and the decisions', transition logs' and vacancies' indexes by their owner widened likewise.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 21:30:00

"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

INDEX_COLUMNS = [
    'cohort', 'department_code', 'referred_on', 'status', 'dossier_filed_on',
    'dossier_complete_on', 'withdrawal_reason', 'steps_reached',
]


def upgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('steps_reached', sa.String(length=500), nullable=True))
        batch_op.drop_index('ix_candidate_cohort')
        batch_op.create_index('ix_candidate_indicators', INDEX_COLUMNS, unique=False)
        batch_op.drop_index('ix_candidate_status')
        batch_op.create_index(
            'ix_candidate_status',
            [
                'status', 'dossier_complete_on', 'department_code', 'withdrawal_reason',
                'referred_on', 'cohort',
            ],
            unique=False,
        )
    with op.batch_alter_table('transition_log', schema=None) as batch_op:
        batch_op.create_index(
            'ix_transition_log_candidate_name', ['candidate_id', 'name', 'from_status'],
            unique=False,
        )
        batch_op.drop_index('ix_transition_log_candidate_id')
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.create_index(
            'ix_vacancy_carer_created', ['carer_id', 'created_at'], unique=False
        )
        batch_op.drop_index('ix_vacancy_carer_id')
    with op.batch_alter_table('agrement_decision', schema=None) as batch_op:
        batch_op.create_index(
            'ix_agrement_decision_candidate_outcome', ['candidate_id', 'outcome', 'decided_on'],
            unique=False,
        )
        batch_op.drop_index('ix_agrement_decision_candidate_id')

    # The schema as it stands at this revision, not the application's models.
    candidate = sa.table('candidate', sa.column('id', sa.Integer), sa.column('steps_reached', sa.String))
    enrollment = sa.table(
        'enrollment', sa.column('candidate_id', sa.Integer), sa.column('activity_id', sa.Integer),
        sa.column('attendance', sa.String),
    )
    activity = sa.table('activity', sa.column('id', sa.Integer), sa.column('step_id', sa.Integer))
    connection = op.get_bind()
    steps = defaultdict(set)
    for candidate_id, step_id in connection.execute(
        sa.select(enrollment.c.candidate_id, activity.c.step_id)
        .join(activity, activity.c.id == enrollment.c.activity_id)
        .where(enrollment.c.attendance == 'attended')
        .distinct()
    ):
        steps[candidate_id].add(step_id)
    rows = [
        {'key': key, 'value': ',' + ','.join(map(str, sorted(ids))) + ','}
        for key, ids in steps.items()
    ]
    if rows:
        connection.execute(
            candidate.update()
            .where(candidate.c.id == sa.bindparam('key'))
            .values(steps_reached=sa.bindparam('value')),
            rows,
        )


def downgrade():
    with op.batch_alter_table('vacancy', schema=None) as batch_op:
        batch_op.create_index('ix_vacancy_carer_id', ['carer_id'], unique=False)
        batch_op.drop_index('ix_vacancy_carer_created')
    with op.batch_alter_table('transition_log', schema=None) as batch_op:
        batch_op.create_index('ix_transition_log_candidate_id', ['candidate_id'], unique=False)
        batch_op.drop_index('ix_transition_log_candidate_name')
    with op.batch_alter_table('agrement_decision', schema=None) as batch_op:
        batch_op.create_index('ix_agrement_decision_candidate_id', ['candidate_id'], unique=False)
        batch_op.drop_index('ix_agrement_decision_candidate_outcome')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_candidate_status')
        batch_op.create_index('ix_candidate_status', ['status'], unique=False)
        batch_op.drop_index('ix_candidate_indicators')
        batch_op.create_index('ix_candidate_cohort', ['cohort'], unique=False)
        batch_op.drop_column('steps_reached')
