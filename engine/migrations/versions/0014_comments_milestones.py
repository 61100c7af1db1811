"""case comments (append-only) and the milestone a task's due date reads

Revision ID: 0014_comments_milestones
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = "0014_comments_milestones"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", engine.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["instance.id"], name=op.f("fk_case_comment_instance_id_instance")),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"], name=op.f("fk_case_comment_author_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_comment")),
    )
    op.create_index("ix_case_comment_instance_id_id", "case_comment", ["instance_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION case_comment_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   "BEGIN RAISE EXCEPTION 'case_comment is append-only'; END $$")
        op.execute("CREATE TRIGGER case_comment_no_change BEFORE UPDATE OR DELETE ON case_comment "
                   "FOR EACH ROW EXECUTE FUNCTION case_comment_append_only()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER case_comment_no_{verb.lower()} BEFORE {verb} ON case_comment "
                       "BEGIN SELECT RAISE(ABORT, 'case_comment is append-only'); END")
    with op.batch_alter_table("human_task") as batch_op:
        batch_op.add_column(sa.Column("milestone_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("human_task") as batch_op:
        batch_op.drop_column("milestone_key")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_comment_no_change ON case_comment")
        op.execute("DROP FUNCTION IF EXISTS case_comment_append_only()")
    op.drop_index("ix_case_comment_instance_id_id", table_name="case_comment")
    op.drop_table("case_comment")
