"""Indexes for the manager dashboard (overdue, stuck, completions per day).

Revision ID: 0008_dashboard_indexes
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_dashboard_indexes"
down_revision = "0001"
branch_labels = None
depends_on = None

READY = sa.text("status = 'ready'")
COMPLETED = sa.text("status = 'completed'")


def upgrade() -> None:
    op.drop_index("ix_human_task_unit_status", table_name="human_task")
    op.create_index("ix_human_task_unit_status_due", "human_task", ["unit_id", "status", "due_at"])
    op.create_index("ix_human_task_ready_due", "human_task", ["due_at"], postgresql_where=READY,
                    sqlite_where=READY)
    op.create_index("ix_human_task_unit_completed", "human_task", ["unit_id", "completed_at"],
                    postgresql_where=COMPLETED, sqlite_where=COMPLETED)
    op.drop_index("ix_instance_status_unit", table_name="instance")
    op.create_index("ix_instance_status_unit_progress", "instance", ["status", "unit_id", "last_progress_at"])


def downgrade() -> None:
    op.drop_index("ix_instance_status_unit_progress", table_name="instance")
    op.create_index("ix_instance_status_unit", "instance", ["status", "unit_id"])
    op.drop_index("ix_human_task_unit_completed", table_name="human_task")
    op.drop_index("ix_human_task_ready_due", table_name="human_task")
    op.drop_index("ix_human_task_unit_status_due", table_name="human_task")
    op.create_index("ix_human_task_unit_status", "human_task", ["unit_id", "status"])
