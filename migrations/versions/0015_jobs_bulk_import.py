"""background jobs and bulk import (issues 13 and 14)

The portal's `job` table on both engines; on PostgreSQL also procrastinate's own schema (the
queue), applied from the pinned procrastinate release into a schema of its own named
`procrastinate`, so that `flask db upgrade` is all a deployment needs and the portal's tables
and procrastinate's never mix. Bulk import needs no table: it stores through the forms' services.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

QUEUE_SCHEMA = "procrastinate"


def upgrade() -> None:
    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('started_by_id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=True),
        sa.Column('shared_with_role', sa.String(length=20), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('subject', sa.String(length=100), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('input_data', sa.LargeBinary(), nullable=True),
        sa.Column('progress_done', sa.Integer(), nullable=False),
        sa.Column('progress_total', sa.Integer(), nullable=False),
        sa.Column('phase', sa.String(length=200), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('result_file', sa.LargeBinary(), nullable=True),
        sa.Column('result_filename', sa.String(length=200), nullable=True),
        sa.Column('result_mimetype', sa.String(length=100), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name='ck_job_status'),
        sa.CheckConstraint('progress_done >= 0 AND progress_total >= 0', name='ck_job_progress'),
        sa.ForeignKeyConstraint(['started_by_id'], ['user.id'], name='fk_job_started_by_id_user'),
        sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name='fk_job_provider_id_provider'),
        sa.PrimaryKeyConstraint('id', name='pk_job'),
    )
    op.create_index('ix_job_started_by_created', 'job', ['started_by_id', 'created_at'])
    op.create_index('ix_job_subject', 'job', ['subject'])
    if op.get_bind().dialect.name == "postgresql":
        _create_queue_schema()


def _create_queue_schema() -> None:
    from procrastinate.schema import SchemaManager
    connection = op.get_bind()
    connection.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {QUEUE_SCHEMA}")
    # procrastinate's SQL names its objects unqualified: create them with its schema first on the path.
    connection.exec_driver_sql(f"SET LOCAL search_path TO {QUEUE_SCHEMA}")
    connection.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"), ())
    connection.exec_driver_sql("SET LOCAL search_path TO DEFAULT")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.get_bind().exec_driver_sql(f"DROP SCHEMA IF EXISTS {QUEUE_SCHEMA} CASCADE")
    op.drop_index('ix_job_subject', table_name='job')
    op.drop_index('ix_job_started_by_created', table_name='job')
    op.drop_table('job')
