"""history that holds: review decisions as history, versioned trajectory and claim facts (issue 10)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# Append-only like audit_event and invoice (0001 created the PostgreSQL function refuse_change()).
HISTORY_TABLES = ("review", "fact_version")
FACT_FIELDS = "'start', 'end', 'end_reason', 'municipality', 'date', 'submitted'"


def upgrade() -> None:
    op.create_table(
        'fact_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trajectory_id', sa.Integer(), nullable=True),
        sa.Column('claim_id', sa.Integer(), nullable=True),
        sa.Column('field', sa.String(length=20), nullable=False),
        sa.Column('value', sa.String(length=40), nullable=True),
        sa.Column('previous_value', sa.String(length=40), nullable=True),
        sa.Column('recorded_at', portal.models.types.UTCDateTime(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('objection_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.CheckConstraint('(trajectory_id IS NULL) <> (claim_id IS NULL)', name=op.f('ck_fact_version_one_subject')),
        sa.CheckConstraint(f"field IN ({FACT_FIELDS})", name=op.f('ck_fact_version_field')),
        sa.CheckConstraint("source IN ('recorded', 'correction')", name=op.f('ck_fact_version_source')),
        sa.ForeignKeyConstraint(['claim_id'], ['milestone_claim.id'], name=op.f('fk_fact_version_claim_id_milestone_claim')),
        sa.ForeignKeyConstraint(['objection_id'], ['objection.id'], name=op.f('fk_fact_version_objection_id_objection')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_fact_version_recorded_by_id_user')),
        sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_fact_version_trajectory_id_trajectory')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fact_version')),
    )
    with op.batch_alter_table('fact_version', schema=None) as batch_op:
        batch_op.create_index('ix_fact_version_trajectory', ['trajectory_id', 'field', 'id'], unique=False)
        batch_op.create_index('ix_fact_version_claim', ['claim_id', 'field', 'id'], unique=False)
        batch_op.create_index('ix_fact_version_recorded_at', ['recorded_at'], unique=False)
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('objection_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_review_objection_id_objection'), 'objection', ['objection_id'], ['id'])
    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_review_objection_id_objection'), type_='foreignkey')
        batch_op.drop_column('objection_id')
    with op.batch_alter_table('fact_version', schema=None) as batch_op:
        batch_op.drop_index('ix_fact_version_recorded_at')
        batch_op.drop_index('ix_fact_version_claim')
        batch_op.drop_index('ix_fact_version_trajectory')
    op.drop_table('fact_version')


def _create_append_only_triggers() -> None:
    for table in HISTORY_TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION refuse_change()")
        else:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def _drop_append_only_triggers() -> None:
    for table in HISTORY_TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        else:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{verb}")
