"""A search alert keeps the mode of care asked for (in a MAM, at home, or any): an alert made
from a search "En MAM" told of carers at home.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    # Alerts made before asked for every mode as far as they know.
    with op.batch_alter_table("search_alert", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("setting", sa.String(length=4), server_default="any", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("search_alert", schema=None) as batch_op:
        batch_op.drop_column("setting")
