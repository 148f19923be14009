"""JSON API: token scopes, idempotency keys, rate limits, events (issue 13)

API tokens speak for one bureau or one municipality with scopes; the first response to a POST with an
Idempotency-Key is kept per token; a fixed-window counter per token and minute limits the request rate
across workers and nodes. The events feed reads the sealed audit trail and needs no table of its own.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

from portal.models.types import UTCDateTime

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nothing issued tokens before this revision; a row without a tenant could not satisfy the new check.
    op.execute("DELETE FROM api_token")
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('municipality_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('scopes', sa.String(length=20), nullable=False, server_default='read'))
        batch_op.add_column(sa.Column('hint', sa.String(length=12), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_api_token_provider_id_provider', 'provider', ['provider_id'], ['id'])
        batch_op.create_foreign_key('fk_api_token_municipality_id_municipality', 'municipality',
                                    ['municipality_id'], ['id'])
        batch_op.create_foreign_key('fk_api_token_created_by_id_user', 'user', ['created_by_id'], ['id'])
        batch_op.create_index('ix_api_token_provider_id', ['provider_id'], unique=False)
        batch_op.create_index('ix_api_token_municipality_id', ['municipality_id'], unique=False)
        batch_op.create_check_constraint('ck_api_token_one_tenant',
                                         '(provider_id IS NULL) <> (municipality_id IS NULL)')
        batch_op.create_check_constraint('ck_api_token_scopes', "scopes IN ('read', 'read write')")
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('scopes', server_default=None)
        batch_op.alter_column('hint', server_default=None)
    op.create_table(
        'api_idempotency_key',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('status', sa.Integer(), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('location', sa.String(length=300), nullable=True),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], name='fk_api_idempotency_key_token_id_api_token',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_api_idempotency_key'),
        sa.UniqueConstraint('token_id', 'key', name='uq_api_idempotency_key_token_id_key'),
    )
    with op.batch_alter_table('api_idempotency_key', schema=None) as batch_op:
        batch_op.create_index('ix_api_idempotency_key_created_at', ['created_at'], unique=False)
    op.create_table(
        'api_rate_window',
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('window', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], name='fk_api_rate_window_token_id_api_token',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_id', 'window', name='pk_api_rate_window'),
    )


def downgrade() -> None:
    op.drop_table('api_rate_window')
    with op.batch_alter_table('api_idempotency_key', schema=None) as batch_op:
        batch_op.drop_index('ix_api_idempotency_key_created_at')
    op.drop_table('api_idempotency_key')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_constraint('ck_api_token_scopes', type_='check')
        batch_op.drop_constraint('ck_api_token_one_tenant', type_='check')
        batch_op.drop_index('ix_api_token_municipality_id')
        batch_op.drop_index('ix_api_token_provider_id')
        batch_op.drop_constraint('fk_api_token_created_by_id_user', type_='foreignkey')
        batch_op.drop_constraint('fk_api_token_municipality_id_municipality', type_='foreignkey')
        batch_op.drop_constraint('fk_api_token_provider_id_provider', type_='foreignkey')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('hint')
        batch_op.drop_column('scopes')
        batch_op.drop_column('municipality_id')
        batch_op.drop_column('provider_id')
