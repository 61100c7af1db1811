"""plans: plan documents and their timeline milestones

Revision ID: 0002_plans
Revises: 0001
Create Date: 2026-11-22 08:00:00
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = '0002_plans'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('issuing_unit_id', sa.Integer(), nullable=True),
    sa.Column('issuer', sa.String(length=255), nullable=True),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('source_name', sa.String(length=255), nullable=True),
    sa.Column('source_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['issuing_unit_id'], ['unit.id'], name=op.f('fk_plan_issuing_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan')),
    sa.UniqueConstraint('number', name=op.f('uq_plan_number'))
    )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_issuing_unit_id'), ['issuing_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_school_year'), ['school_year'], unique=False)

    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('window_start', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('due_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('unit_kind', sa.String(length=32), nullable=True),
    sa.Column('process_key', sa.String(length=128), nullable=True),
    sa.Column('source_text', sa.Text(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_milestone_plan_id_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone')),
    sa.UniqueConstraint('plan_id', 'key', name=op.f('uq_milestone_plan_id'))
    )
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.create_index('ix_milestone_due_at', ['due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_index('ix_milestone_due_at')
    op.drop_table('milestone')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_school_year'))
        batch_op.drop_index(batch_op.f('ix_plan_issuing_unit_id'))
    op.drop_table('plan')
