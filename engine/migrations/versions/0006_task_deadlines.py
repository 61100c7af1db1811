"""task deadlines: reminder instant and sent marks on human_task, and the partial indexes the sweep reads

`remind_at` is the due minus `reminderDays` working days, computed when the task opens (and again when
a plan milestone moves). The sweep (engine.runtime.deadlines) reads open tasks whose reminder or
overdue notice has not gone out, in time order; both indexes hold only those rows, so the sweep's
cost follows the number due, not the number open.

Revision ID: 0006_task_deadlines
Revises: 0001
Create Date: 2026-11-23 09:00:00
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = '0006_task_deadlines'
down_revision = '0001'
branch_labels = None
depends_on = None

REMIND_DUE = "status = 'ready' AND reminded_at IS NULL AND remind_at IS NOT NULL"
OVERDUE_DUE = "status = 'ready' AND overdue_notified_at IS NULL AND due_at IS NOT NULL"
COLUMNS = ('remind_at', 'reminded_at', 'overdue_notified_at', 'escalated_at')


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column('human_task', sa.Column(name, engine.models.base.UTCDateTime(timezone=True), nullable=True))
    op.create_index('ix_human_task_remind_due', 'human_task', ['remind_at'], unique=False,
                    postgresql_where=sa.text(REMIND_DUE), sqlite_where=sa.text(REMIND_DUE))
    op.create_index('ix_human_task_overdue_due', 'human_task', ['due_at'], unique=False,
                    postgresql_where=sa.text(OVERDUE_DUE), sqlite_where=sa.text(OVERDUE_DUE))


def downgrade() -> None:
    op.drop_index('ix_human_task_overdue_due', table_name='human_task')
    op.drop_index('ix_human_task_remind_due', table_name='human_task')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
