"""staff belong to one consortium (issue 12, tenancy)

Adds `user.consortium_id`. Backfill: a klantmanager gets the consortium of their municipality; every
other user with a consortium role (reviewer, finance, admin, auditor) gets the one consortium when
exactly one exists, else the consortium of their municipality if they have one. Staff for whom neither
works keep NULL and see nothing until an admin or `flask create-user` gives them one (fail closed).
Bureau users keep NULL: a bureau may hold contracts in several consortia.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

STAFF = "('klantmanager', 'reviewer', 'finance', 'admin', 'auditor')"


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consortium_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_user_consortium_id', ['consortium_id'], unique=False)
        batch_op.create_foreign_key('fk_user_consortium_id_consortium', 'consortium', ['consortium_id'], ['id'])
    staff = f'id IN (SELECT user_id FROM role_grant WHERE role IN {STAFF})'
    op.execute(f'UPDATE "user" SET consortium_id = (SELECT m.consortium_id FROM municipality m '
               f'WHERE m.id = "user".municipality_id) WHERE municipality_id IS NOT NULL AND {staff}')
    op.execute(f'UPDATE "user" SET consortium_id = (SELECT MIN(id) FROM consortium) '
               f'WHERE consortium_id IS NULL AND {staff} AND (SELECT COUNT(*) FROM consortium) = 1')


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint('fk_user_consortium_id_consortium', type_='foreignkey')
        batch_op.drop_index('ix_user_consortium_id')
        batch_op.drop_column('consortium_id')
