"""Carers: what the "may she be shown" rule reads, on her row; no publication without consent.

The agrément's expiry (from the carer's latest positive decision, else her agrément date and a
first agrément's 5 years), the day part 1 of her training was done (her passed part-1
evaluation; an imported carer was trained before her agrément) and the day she left the
pathway are filled from the existing rows. A published carer without a consent on record is
unpublished, then the database refuses that state, and the search's index carries every term.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 08:00:00

"""
from datetime import timedelta

from alembic import op
from dateutil.relativedelta import relativedelta
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OLD_INDEX = ['is_published', 'latitude', 'longitude', 'last_confirmed_on']
NEW_INDEX = OLD_INDEX + [
    'agrement_expires_on', 'training_part1_on', 'withdrawn_on', 'publication_consent_at',
]
FIRST_AGREMENT_YEARS = 5


def upgrade():
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agrement_expires_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('training_part1_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_on', sa.Date(), nullable=True))

    # The schema as it stands at this revision, not the application's models.
    carer = sa.table(
        'carer', sa.column('id', sa.Integer), sa.column('candidate_id', sa.Integer),
        sa.column('agrement_on', sa.Date), sa.column('agrement_expires_on', sa.Date),
        sa.column('training_part1_on', sa.Date), sa.column('withdrawn_on', sa.Date),
        sa.column('is_published', sa.Boolean), sa.column('publication_consent_at', sa.DateTime),
    )
    decision = sa.table(
        'agrement_decision', sa.column('candidate_id', sa.Integer),
        sa.column('outcome', sa.String), sa.column('decided_on', sa.Date),
        sa.column('valid_until', sa.Date),
    )
    training = sa.table(
        'training', sa.column('candidate_id', sa.Integer), sa.column('part', sa.Integer),
        sa.column('kind', sa.String), sa.column('passed', sa.Boolean),
        sa.column('completed_on', sa.Date),
    )
    candidate = sa.table(
        'candidate', sa.column('id', sa.Integer), sa.column('status', sa.String),
        sa.column('status_changed_at', sa.DateTime),
    )
    log = sa.table(
        'transition_log', sa.column('candidate_id', sa.Integer),
        sa.column('to_status', sa.String), sa.column('effective_on', sa.Date),
    )
    connection = op.get_bind()

    valid_until = {}
    for candidate_id, until in connection.execute(
        sa.select(decision.c.candidate_id, decision.c.valid_until)
        .where(decision.c.outcome != 'refused', decision.c.valid_until.is_not(None))
        .order_by(decision.c.candidate_id, decision.c.decided_on)
    ):
        valid_until[candidate_id] = until  # the latest decision wins
    trained = dict(connection.execute(
        sa.select(training.c.candidate_id, sa.func.min(training.c.completed_on))
        .where(training.c.part == 1, training.c.kind == 'evaluation',
               training.c.passed.is_(True))
        .group_by(training.c.candidate_id)
    ).all())  # fmt: skip
    left = dict(connection.execute(
        sa.select(log.c.candidate_id, sa.func.max(log.c.effective_on))
        .join(candidate, candidate.c.id == log.c.candidate_id)
        .where(candidate.c.status == 'withdrawn', log.c.to_status == 'withdrawn')
        .group_by(log.c.candidate_id)
    ).all())  # fmt: skip

    rows = connection.execute(
        sa.select(carer.c.id, carer.c.candidate_id, carer.c.agrement_on)
    ).all()
    for carer_id, candidate_id, agrement_on in rows:
        expires = valid_until.get(candidate_id) or (
            agrement_on - timedelta(days=1) + relativedelta(years=FIRST_AGREMENT_YEARS)
        )
        connection.execute(
            carer.update().where(carer.c.id == carer_id).values(
                agrement_expires_on=expires,
                training_part1_on=agrement_on if candidate_id is None else trained.get(candidate_id),
                withdrawn_on=left.get(candidate_id),
            )
        )
    connection.execute(
        carer.update()
        .where(carer.c.is_published.is_(True), carer.c.publication_consent_at.is_(None))
        .values(is_published=False)
    )

    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.alter_column('agrement_expires_on', existing_type=sa.Date(), nullable=False)
        batch_op.create_check_constraint(
            op.f('ck_carer_published_with_consent'), 'NOT is_published OR publication_consent_at IS NOT NULL'
        )
        batch_op.drop_index('ix_carer_search_position')
        batch_op.create_index('ix_carer_search_position', NEW_INDEX, unique=False)


def downgrade():
    with op.batch_alter_table('carer', schema=None) as batch_op:
        batch_op.drop_index('ix_carer_search_position')
        batch_op.create_index('ix_carer_search_position', OLD_INDEX, unique=False)
        batch_op.drop_constraint(op.f('ck_carer_published_with_consent'), type_='check')
        batch_op.drop_column('withdrawn_on')
        batch_op.drop_column('training_part1_on')
        batch_op.drop_column('agrement_expires_on')
