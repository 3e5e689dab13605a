"""Territories: versioned pathway configurations of a région or a département, and the version a
candidate entered with.

The indicators' index of the candidates takes the configuration too: the funnel counts each
step among those who follow it from that index alone.

Existing candidates keep NULL: they follow the national pathway (the catalogue's active steps),
exactly as before.

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-05 10:40:00

"""

from alembic import op
import sqlalchemy as sa


INDICATOR_COLUMNS = [
    "cohort", "department_code", "referred_on", "status", "dossier_filed_on",
    "dossier_complete_on", "withdrawal_reason", "steps_reached",
]  # fmt: skip

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pathway_configuration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "territory_kind",
            sa.Enum(
                "region",
                "department",
                name="territory_kind",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("territory_code", sa.String(length=3), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_pathway_configuration_version_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_pathway_configuration_created_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_configuration")),
        sa.UniqueConstraint(
            "territory_kind",
            "territory_code",
            "version",
            name=op.f("uq_pathway_configuration_territory_kind_territory_code_version"),
        ),
    )
    op.create_table(
        "configuration_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("configuration_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_mandatory", sa.Boolean(), nullable=False),
        sa.Column("required_sessions", sa.Integer(), nullable=False),
        sa.Column("required_hours", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.CheckConstraint(
            "required_hours >= 0", name=op.f("ck_configuration_step_configured_hours_positive")
        ),
        sa.CheckConstraint(
            "required_sessions >= 0",
            name=op.f("ck_configuration_step_configured_sessions_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["configuration_id"],
            ["pathway_configuration.id"],
            name=op.f("fk_configuration_step_configuration_id_pathway_configuration"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["pathway_step.id"],
            name=op.f("fk_configuration_step_step_id_pathway_step"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configuration_step")),
        sa.UniqueConstraint(
            "configuration_id",
            "step_id",
            name=op.f("uq_configuration_step_configuration_id_step_id"),
        ),
    )
    with op.batch_alter_table("configuration_step", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_configuration_step_configuration_id"), ["configuration_id"], unique=False
        )

    # Added in place: a rebuilt candidate table would break the rows pointing to it on SQLite,
    # whose ALTER TABLE takes the foreign key only written inline.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE candidate ADD COLUMN pathway_configuration_id INTEGER"
            " REFERENCES pathway_configuration (id)"
        )
    else:
        op.add_column("candidate", sa.Column("pathway_configuration_id", sa.Integer()))
        op.create_foreign_key(
            op.f("fk_candidate_pathway_configuration_id_pathway_configuration"),
            "candidate",
            "pathway_configuration",
            ["pathway_configuration_id"],
            ["id"],
        )
    op.create_index(
        op.f("ix_candidate_pathway_configuration_id"),
        "candidate",
        ["pathway_configuration_id"],
        unique=False,
    )

    op.drop_index("ix_candidate_indicators", table_name="candidate")
    op.create_index(
        "ix_candidate_indicators", "candidate", [*INDICATOR_COLUMNS, "pathway_configuration_id"]
    )


def downgrade():
    op.drop_index("ix_candidate_indicators", table_name="candidate")
    op.create_index("ix_candidate_indicators", "candidate", INDICATOR_COLUMNS)
    op.drop_index(op.f("ix_candidate_pathway_configuration_id"), table_name="candidate")
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        # Dropping the column drops its foreign key (a rebuilt table on SQLite).
        batch_op.drop_column("pathway_configuration_id")
    op.drop_index(op.f("ix_configuration_step_configuration_id"), table_name="configuration_step")
    op.drop_table("configuration_step")
    op.drop_table("pathway_configuration")
