"""studio editor: definition drafts and definition owners

Revision ID: 0015_studio_editor
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = "0015_studio_editor"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "definition_draft",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("source", sa.LargeBinary(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"], name=op.f("fk_definition_draft_author_id_person")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_definition_draft")),
    )
    op.create_table(
        "definition_owner",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_definition_owner_unit_id_unit")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_definition_owner")),
    )
    op.create_index("ix_definition_owner_unit_id", "definition_owner", ["unit_id"])


def downgrade() -> None:
    op.drop_index("ix_definition_owner_unit_id", table_name="definition_owner")
    op.drop_table("definition_owner")
    op.drop_table("definition_draft")
