"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 06:48:15.572440
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('form_definition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('schema', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('deployed_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_definition')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_form_definition_key'))
    )
    with op.batch_alter_table('form_definition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_definition_key'), ['key'], unique=False)

    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('username', name=op.f('uq_person_username'))
    )
    op.create_table('role',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('capabilities', sa.String(length=255), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_role'))
    )
    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['unit.id'], name=op.f('fk_unit_parent_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_parent_id'), ['parent_id'], unique=False)

    op.create_table('virtual_clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('now', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_virtual_clock'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_api_token_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_person_id'), ['person_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['person.id'], name=op.f('fk_audit_event_actor_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_instance_id'), ['instance_id'], unique=False)

    op.create_table('process_definition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('source', sa.LargeBinary(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('dependencies', sa.JSON(), nullable=False),
    sa.Column('deployed_by_id', sa.Integer(), nullable=True),
    sa.Column('deployed_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deployed_by_id'], ['person.id'], name=op.f('fk_process_definition_deployed_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_definition')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_process_definition_key'))
    )
    with op.batch_alter_table('process_definition', schema=None) as batch_op:
        batch_op.create_index('ix_process_definition_key_hash', ['key', 'content_hash'], unique=False)

    op.create_table('role_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role_code', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_role_membership_person_id_person')),
    sa.ForeignKeyConstraint(['role_code'], ['role.code'], name=op.f('fk_role_membership_role_code_role')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_role_membership_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_membership')),
    sa.UniqueConstraint('person_id', 'role_code', 'unit_id', name=op.f('uq_role_membership_person_id'))
    )
    with op.batch_alter_table('role_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_membership_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_role_membership_role_unit', ['role_code', 'unit_id'], unique=False)

    op.create_table('instance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('definition_key', sa.String(length=128), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('business_key', sa.String(length=128), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('next_fire_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_progress_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('incident_task', sa.String(length=255), nullable=True),
    sa.Column('incident_line', sa.Integer(), nullable=True),
    sa.Column('incident_message', sa.Text(), nullable=True),
    sa.Column('incident_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'], name=op.f('fk_instance_definition_id_process_definition')),
    sa.ForeignKeyConstraint(['started_by_id'], ['person.id'], name=op.f('fk_instance_started_by_id_person')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_instance_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instance'))
    )
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.create_index('ix_instance_business_key', ['definition_key', 'business_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_instance_definition_id'), ['definition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instance_next_fire_at'), ['next_fire_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_instance_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index('ix_instance_status_unit', ['status', 'unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_instance_unit_id'), ['unit_id'], unique=False)

    op.create_table('human_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('spiff_task_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('role_code', sa.String(length=64), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('is_orphan', sa.Boolean(), nullable=False),
    sa.Column('assignment_problem', sa.Text(), nullable=True),
    sa.Column('form_key', sa.String(length=128), nullable=True),
    sa.Column('due_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', engine.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['person.id'], name=op.f('fk_human_task_assignee_id_person')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['person.id'], name=op.f('fk_human_task_completed_by_id_person')),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_human_task_instance_id_instance')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_human_task_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_human_task')),
    sa.UniqueConstraint('instance_id', 'spiff_task_id', name=op.f('uq_human_task_instance_id'))
    )
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.create_index('ix_human_task_assignee', ['assignee_id', 'status'], unique=False)
        batch_op.create_index('ix_human_task_candidates', ['role_code', 'unit_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_human_task_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_human_task_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index('ix_human_task_unit_status', ['unit_id', 'status'], unique=False)



    _make_audit_trail_append_only()


def _make_audit_trail_append_only() -> None:
    """The audit trail is append-only: the database itself refuses UPDATE and DELETE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
            )

def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_unit_status')
        batch_op.drop_index(batch_op.f('ix_human_task_instance_id'))
        batch_op.drop_index(batch_op.f('ix_human_task_due_at'))
        batch_op.drop_index('ix_human_task_candidates')
        batch_op.drop_index('ix_human_task_assignee')

    op.drop_table('human_task')
    with op.batch_alter_table('instance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_instance_unit_id'))
        batch_op.drop_index('ix_instance_status_unit')
        batch_op.drop_index(batch_op.f('ix_instance_plan_id'))
        batch_op.drop_index(batch_op.f('ix_instance_next_fire_at'))
        batch_op.drop_index(batch_op.f('ix_instance_definition_id'))
        batch_op.drop_index('ix_instance_business_key')

    op.drop_table('instance')
    with op.batch_alter_table('role_membership', schema=None) as batch_op:
        batch_op.drop_index('ix_role_membership_role_unit')
        batch_op.drop_index(batch_op.f('ix_role_membership_person_id'))

    op.drop_table('role_membership')
    with op.batch_alter_table('process_definition', schema=None) as batch_op:
        batch_op.drop_index('ix_process_definition_key_hash')

    op.drop_table('process_definition')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_instance_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_person_id'))

    op.drop_table('api_token')
    op.drop_table('virtual_clock')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_parent_id'))
        batch_op.drop_index(batch_op.f('ix_unit_kind'))

    op.drop_table('unit')
    op.drop_table('role')
    op.drop_table('person')
    with op.batch_alter_table('form_definition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_definition_key'))

    op.drop_table('form_definition')
