"""Maisons d'assistants maternels (MAM) and the carers working in one; advisers' referrals of
parents (mise en relation accompagnée) and the parents' requests they send.

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-05 10:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mam",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=150), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("commune_insee", sa.String(length=5), nullable=False),
        sa.Column("department_code", sa.String(length=3), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_insee"], ["commune.insee_code"], name=op.f("fk_mam_commune_insee_commune")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mam")),
    )
    with op.batch_alter_table("mam", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mam_department_code"), ["department_code"])

    op.create_table(
        "parent_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("adviser_id", sa.Integer(), nullable=True),
        sa.Column("parent_name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("commune_insee", sa.String(length=5), nullable=False),
        sa.Column("department_code", sa.String(length=3), nullable=False),
        sa.Column("is_job_seeker", sa.Boolean(), nullable=False),
        sa.Column("france_travail_id", sa.String(length=11), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_version", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "email IS NOT NULL OR phone IS NOT NULL",
            name=op.f("ck_parent_referral_email_or_phone"),
        ),
        sa.ForeignKeyConstraint(
            ["adviser_id"],
            ["staff_user.id"],
            name=op.f("fk_parent_referral_adviser_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["commune_insee"],
            ["commune.insee_code"],
            name=op.f("fk_parent_referral_commune_insee_commune"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parent_referral")),
    )
    with op.batch_alter_table("parent_referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parent_referral_adviser_id"), ["adviser_id"])
        batch_op.create_index(batch_op.f("ix_parent_referral_created_at"), ["created_at"])
        batch_op.create_index(batch_op.f("ix_parent_referral_department_code"), ["department_code"])

    with op.batch_alter_table("carer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mam_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_carer_mam_id"), ["mam_id"])
        batch_op.create_foreign_key(batch_op.f("fk_carer_mam_id_mam"), "mam", ["mam_id"], ["id"])

    with op.batch_alter_table("contact_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("referral_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_contact_request_referral_id"), ["referral_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_contact_request_referral_id_parent_referral"),
            "parent_referral",
            ["referral_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade():
    with op.batch_alter_table("contact_request", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_contact_request_referral_id_parent_referral"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_contact_request_referral_id"))
        batch_op.drop_column("referral_id")
    with op.batch_alter_table("carer", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_carer_mam_id_mam"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_carer_mam_id"))
        batch_op.drop_column("mam_id")
    op.drop_table("parent_referral")
    op.drop_table("mam")
