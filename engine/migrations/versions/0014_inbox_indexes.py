"""inbox indexes: the assignee index keeps held tasks only (a query for unheld tasks, `assignee_id IS NULL`,
picked it and read every open task of the country); tasks a person completed, by completion time

Revision ID: 0014_inbox_indexes
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_inbox_indexes"
down_revision = "0001"
branch_labels = None
depends_on = None

HELD = "assignee_id IS NOT NULL"
COMPLETED = "status = 'completed'"


def _where(predicate: str) -> dict[str, object]:
    return {"postgresql_where": sa.text(predicate), "sqlite_where": sa.text(predicate)}


def upgrade() -> None:
    op.drop_index("ix_human_task_assignee", table_name="human_task")
    op.create_index("ix_human_task_assignee", "human_task", ["assignee_id", "status"], **_where(HELD))
    op.create_index("ix_human_task_done_by", "human_task", ["completed_by_id", "completed_at"], **_where(COMPLETED))


def downgrade() -> None:
    op.drop_index("ix_human_task_done_by", table_name="human_task")
    op.drop_index("ix_human_task_assignee", table_name="human_task")
    op.create_index("ix_human_task_assignee", "human_task", ["assignee_id", "status"])
