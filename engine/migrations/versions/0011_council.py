"""council: per-unit vote rules, ballot boxes, fixed assignees of human tasks

Revision ID: 0011_council
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_council"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("human_task", sa.Column("assignee_fixed", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "council_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("numerator", sa.Integer(), nullable=False),
        sa.Column("denominator", sa.Integer(), nullable=False),
        sa.Column("strict", sa.Boolean(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_council_rule_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_rule")),
        sa.UniqueConstraint("unit_id", "key", "valid_from", name=op.f("uq_council_rule_unit_id")),
    )
    op.create_index("ix_council_rule_unit_id", "council_rule", ["unit_id"])
    op.create_table(
        "ballot_box",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("box", sa.String(length=64), nullable=False),
        sa.Column("secret", sa.Boolean(), nullable=False),
        sa.Column("voters", sa.JSON(), nullable=False),
        sa.Column("ballots", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["instance.id"], name=op.f("fk_ballot_box_instance_id_instance")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_box")),
        sa.UniqueConstraint("instance_id", "box", name=op.f("uq_ballot_box_instance_id")),
    )
    op.create_index("ix_ballot_box_instance_id", "ballot_box", ["instance_id"])


def downgrade() -> None:
    op.drop_index("ix_ballot_box_instance_id", table_name="ballot_box")
    op.drop_table("ballot_box")
    op.drop_index("ix_council_rule_unit_id", table_name="council_rule")
    op.drop_table("council_rule")
    with op.batch_alter_table("human_task") as batch:
        batch.drop_column("assignee_fixed")
