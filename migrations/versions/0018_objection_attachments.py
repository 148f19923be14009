"""objections may carry attachments (issue 14): files kept in the storage, one row each

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import portal.models.types

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'objection_attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('objection_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_at', portal.models.types.UTCDateTime(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['objection_id'], ['objection.id'],
                                name=op.f('fk_objection_attachment_objection_id_objection')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_objection_attachment_uploaded_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_objection_attachment')),
        sa.UniqueConstraint('objection_id', 'sha256', name=op.f('uq_objection_attachment_objection_id_sha256')),
    )
    with op.batch_alter_table('objection_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_attachment_objection_id'), ['objection_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('objection_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objection_attachment_objection_id'))
    op.drop_table('objection_attachment')
