"""inbox indexes: a role's queue, a person's held and completed tasks (partial, by due / completion time)

Revision ID: 0014_inbox_indexes
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_inbox_indexes"
down_revision = "0001"
branch_labels = None
depends_on = None

QUEUE = "status = 'ready' AND assignee_id IS NULL"
READY = "status = 'ready'"
COMPLETED = "status = 'completed'"


def _where(predicate: str) -> dict[str, object]:
    return {"postgresql_where": sa.text(predicate), "sqlite_where": sa.text(predicate)}


def upgrade() -> None:
    op.create_index("ix_human_task_queue", "human_task", ["role_code", "unit_id", "due_at"], **_where(QUEUE))
    op.create_index("ix_human_task_held", "human_task", ["assignee_id", "due_at"], **_where(READY))
    op.create_index("ix_human_task_done_by", "human_task", ["completed_by_id", "completed_at"], **_where(COMPLETED))


def downgrade() -> None:
    for name in ("ix_human_task_done_by", "ix_human_task_held", "ix_human_task_queue"):
        op.drop_index(name, table_name="human_task")
