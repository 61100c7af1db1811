"""attachments: documents of a case, stored outside the database

Revision ID: 0009_attachments
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = "0009_attachments"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["instance.id"], name=op.f("fk_attachment_instance_id_instance")),
        sa.ForeignKeyConstraint(["task_id"], ["human_task.id"], name=op.f("fk_attachment_task_id_human_task")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["person.id"], name=op.f("fk_attachment_uploaded_by_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_attachment_stored_name")),
    )
    op.create_index("ix_attachment_instance_id", "attachment", ["instance_id"])


def downgrade() -> None:
    op.drop_index("ix_attachment_instance_id", table_name="attachment")
    op.drop_table("attachment")
