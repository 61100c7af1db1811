"""calendar: administrator overrides of the working-day calendar, and their version counter

Revision ID: 0003_calendar
Revises: 0001
Create Date: 2026-11-22 08:00:00
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = '0003_calendar'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_override',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('off', 'work')", name=op.f('ck_calendar_override_kind')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_calendar_override_created_by_id_person')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_override'))
    )
    op.create_table('calendar_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_state'))
    )


def downgrade() -> None:
    op.drop_table('calendar_state')
    op.drop_table('calendar_override')
