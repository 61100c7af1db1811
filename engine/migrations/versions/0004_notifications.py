"""notifications: in-app messages with the e-mail outbox on the same row

Revision ID: 0004_notifications
Revises: 0001
Create Date: 2026-11-22 08:00:00
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = '0004_notifications'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sa.String(length=255), nullable=False),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('email_status', sa.String(length=16), nullable=False),
    sa.Column('email_to', sa.String(length=255), nullable=True),
    sa.Column('email_attempts', sa.Integer(), nullable=False),
    sa.Column('email_next_attempt_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('email_locked_by', sa.String(length=64), nullable=True),
    sa.Column('email_locked_until', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('email_sent_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('email_last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_notification_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('person_id', 'dedupe_key', name=op.f('uq_notification_person_id'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_person_id_id', ['person_id', 'id'], unique=False)
        batch_op.create_index('ix_notification_unread', ['person_id'], unique=False,
                              postgresql_where=sa.text('read_at IS NULL'), sqlite_where=sa.text('read_at IS NULL'))
        batch_op.create_index('ix_notification_email_due', ['email_next_attempt_at', 'id'], unique=False,
                              postgresql_where=sa.text("email_status = 'pending'"),
                              sqlite_where=sa.text("email_status = 'pending'"))


def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_email_due')
        batch_op.drop_index('ix_notification_unread')
        batch_op.drop_index('ix_notification_person_id_id')
    op.drop_table('notification')
