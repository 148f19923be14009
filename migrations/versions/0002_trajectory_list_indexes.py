"""indexes for the trajectory list: paging per bureau and municipality, and "wacht op mij"

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

REJECTED_CLAIM = "review = 'rejected'"


def upgrade() -> None:
    with op.batch_alter_table('trajectory', schema=None) as batch_op:
        batch_op.create_index('ix_trajectory_provider_ref', ['provider_id', 'ref'], unique=False)
        batch_op.create_index('ix_trajectory_provider_start', ['provider_id', 'start'], unique=False)
        batch_op.create_index('ix_trajectory_municipality_ref', ['municipality_id', 'ref'], unique=False)

    with op.batch_alter_table('milestone_claim', schema=None) as batch_op:
        batch_op.create_index('ix_milestone_claim_trajectory_type_id', ['trajectory_id', 'type', 'id'], unique=False)
        batch_op.create_index('ix_milestone_claim_rejected', ['trajectory_id', 'type', 'id'], unique=False,
                              sqlite_where=sa.text(REJECTED_CLAIM), postgresql_where=sa.text(REJECTED_CLAIM))


def downgrade() -> None:
    with op.batch_alter_table('milestone_claim', schema=None) as batch_op:
        batch_op.drop_index('ix_milestone_claim_rejected', sqlite_where=sa.text(REJECTED_CLAIM),
                            postgresql_where=sa.text(REJECTED_CLAIM))
        batch_op.drop_index('ix_milestone_claim_trajectory_type_id')

    with op.batch_alter_table('trajectory', schema=None) as batch_op:
        batch_op.drop_index('ix_trajectory_municipality_ref')
        batch_op.drop_index('ix_trajectory_provider_start')
        batch_op.drop_index('ix_trajectory_provider_ref')
