"""timer claims: a sweep's lock owner and expiry on the instance, and the partial index the sweep reads

The sweep selects running cases whose `next_fire_at` has passed, in fire order: the index on
(status, next_fire_at) serves that as one range scan (equality on status, range and order on the
time), and being partial it holds only cases with a waiting timer. Its cost follows the number due,
not the number waiting. It replaces the plain index on `next_fire_at` (nothing else queries it).

Revision ID: 0005_timer_claims
Revises: 0001
Create Date: 2026-11-23 08:00:00
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = '0005_timer_claims'
down_revision = '0001'
branch_labels = None
depends_on = None

DUE = "next_fire_at IS NOT NULL"


def upgrade() -> None:
    op.add_column('instance', sa.Column('timer_lock_owner', sa.String(length=128), nullable=True))
    op.add_column('instance', sa.Column('timer_lock_expires_at', engine.models.base.UTCDateTime(timezone=True),
                                        nullable=True))
    op.drop_index('ix_instance_next_fire_at', table_name='instance')
    op.create_index('ix_instance_timer_due', 'instance', ['status', 'next_fire_at'], unique=False,
                    postgresql_where=sa.text(DUE), sqlite_where=sa.text(DUE))


def downgrade() -> None:
    op.drop_index('ix_instance_timer_due', table_name='instance')
    op.create_index('ix_instance_next_fire_at', 'instance', ['next_fire_at'], unique=False)
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.drop_column('timer_lock_expires_at')
        batch_op.drop_column('timer_lock_owner')
