"""unit groups: members of emulation blocks (khối thi đua) and THPT clusters (cụm trường)

Revision ID: 0013_unit_groups
Revises: 0001
Create Date: 2026-12-05 21:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_unit_groups'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('unit_group_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['unit.id'], name=op.f('fk_unit_group_member_group_id_unit')),
    sa.ForeignKeyConstraint(['member_id'], ['unit.id'], name=op.f('fk_unit_group_member_member_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_group_member')),
    sa.UniqueConstraint('group_id', 'member_id', name=op.f('uq_unit_group_member_group_id'))
    )
    with op.batch_alter_table('unit_group_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_group_member_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_group_member_member_id'), ['member_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('unit_group_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_group_member_member_id'))
        batch_op.drop_index(batch_op.f('ix_unit_group_member_group_id'))
    op.drop_table('unit_group_member')
