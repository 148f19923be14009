"""privacy: look-up log for the per-user BSN limit, clients' anonymised_at (issue 12, AVG)

One client per BSN holds already: `client.bsn_hash` is unique across the whole database (every
consortium), so no new constraint is needed. An anonymised client keeps its row (its ref is the
pseudonymous reference of the financial records) with a marker in place of the hash.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'bsn_lookup',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_bsn_lookup_user_id_user'),
        sa.PrimaryKeyConstraint('id', name='pk_bsn_lookup'),
    )
    with op.batch_alter_table('bsn_lookup', schema=None) as batch_op:
        batch_op.create_index('ix_bsn_lookup_user_id_at', ['user_id', 'at'], unique=False)
    # A plain ADD COLUMN (no table rebuild on SQLite, so the results-cache triggers on `client` stay).
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # SQLite (3.35+) drops the column in place: a batch rebuild of `client` would lose its results-cache triggers.
    op.execute("ALTER TABLE client DROP COLUMN anonymised_at")
    with op.batch_alter_table('bsn_lookup', schema=None) as batch_op:
        batch_op.drop_index('ix_bsn_lookup_user_id_at')
    op.drop_table('bsn_lookup')
