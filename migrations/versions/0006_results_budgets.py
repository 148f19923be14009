"""measuring: municipality budgets and the results cache (issue 8)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import portal.models.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('municipality_budget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('amount', portal.models.types.Money(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_municipality_budget_amount_not_negative')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2100', name=op.f('ck_municipality_budget_year_range')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'],
                            name=op.f('fk_municipality_budget_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipality_budget')),
    sa.UniqueConstraint('municipality_id', 'year', name=op.f('uq_municipality_budget_municipality_id_year'))
    )
    with op.batch_alter_table('municipality_budget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipality_budget_municipality_id'), ['municipality_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('municipality_budget', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipality_budget_municipality_id'))
    op.drop_table('municipality_budget')
