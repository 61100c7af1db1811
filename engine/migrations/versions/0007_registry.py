"""registry: decided awards, discipline / complaint records and per-unit quotas

Title codes are checked against the catalogue in engine/registry/titles.py (code, not rows: test
databases are truncated between tests, and the rules refer to the codes anyway).

Revision ID: 0007_registry
Revises: 0001
Create Date: 2026-11-24 08:00:00
"""
import sqlalchemy as sa
from alembic import op

import engine.models.base

revision = '0007_registry'
down_revision = '0001'
branch_labels = None
depends_on = None

def upgrade() -> None:
    op.create_table('award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_key', sa.String(length=320), nullable=False),
    sa.Column('subject_kind', sa.String(length=16), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=255), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title_code', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('year_first', sa.Integer(), nullable=False),
    sa.Column('decision_number', sa.String(length=64), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('deciding_unit_id', sa.Integer(), nullable=True),
    sa.Column('deciding_authority', sa.String(length=255), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("subject_kind IN ('person', 'collective')", name=op.f('ck_award_subject_kind')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'], name=op.f('fk_award_created_by_id_person')),
    sa.ForeignKeyConstraint(['deciding_unit_id'], ['unit.id'], name=op.f('fk_award_deciding_unit_id_unit')),
    sa.ForeignKeyConstraint(['instance_id'], ['instance.id'], name=op.f('fk_award_instance_id_instance')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_award_person_id_person')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_award_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award')),
    sa.UniqueConstraint('subject_key', 'title_code', 'school_year', 'decision_number',
                        name=op.f('uq_award_subject_key'))
    )
    op.create_index(op.f('ix_award_person_id'), 'award', ['person_id'], unique=False)
    op.create_index('ix_award_subject_title', 'award', ['subject_key', 'title_code', 'year_first'], unique=False)
    op.create_index('ix_award_unit_year', 'award', ['unit_id', 'year_first'], unique=False)
    op.create_index('ix_award_title_year', 'award', ['title_code', 'year_first'], unique=False)
    op.create_table('discipline_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_key', sa.String(length=320), nullable=False),
    sa.Column('subject_kind', sa.String(length=16), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=255), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('severity', sa.String(length=24), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('decision_number', sa.String(length=64), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('ky_luat', 'xem_xet_ky_luat', 'thanh_tra_kiem_tra', 'khieu_nai_to_cao')",
                       name=op.f('ck_discipline_record_kind')),
    sa.CheckConstraint("subject_kind IN ('person', 'collective')", name=op.f('ck_discipline_record_subject_kind')),
    sa.ForeignKeyConstraint(['created_by_id'], ['person.id'],
                            name=op.f('fk_discipline_record_created_by_id_person')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_discipline_record_person_id_person')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_discipline_record_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discipline_record'))
    )
    op.create_index(op.f('ix_discipline_record_subject_key'), 'discipline_record', ['subject_key'], unique=False)
    op.create_index(op.f('ix_discipline_record_unit_id'), 'discipline_record', ['unit_id'], unique=False)
    op.create_table('award_quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title_code', sa.String(length=64), nullable=False),
    sa.Column('max_percent', sa.Float(), nullable=True),
    sa.Column('of_title_code', sa.String(length=64), nullable=True),
    sa.Column('max_count', sa.Integer(), nullable=True),
    sa.Column('legal_basis', sa.String(length=500), nullable=False),
    sa.Column('updated_at', engine.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_award_quota_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_quota')),
    sa.UniqueConstraint('unit_id', 'title_code', name=op.f('uq_award_quota_unit_id'))
    )


def downgrade() -> None:
    op.drop_table('award_quota')
    op.drop_index(op.f('ix_discipline_record_unit_id'), table_name='discipline_record')
    op.drop_index(op.f('ix_discipline_record_subject_key'), table_name='discipline_record')
    op.drop_table('discipline_record')
    op.drop_index('ix_award_title_year', table_name='award')
    op.drop_index('ix_award_unit_year', table_name='award')
    op.drop_index('ix_award_subject_title', table_name='award')
    op.drop_index(op.f('ix_award_person_id'), table_name='award')
    op.drop_table('award')
