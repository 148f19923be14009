"""daily work: notifications and worklists (issue 14)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

KINDS = ("referral", "claim_rejected", "plan_returned", "plan_submitted", "run_submitted", "run_returned",
         "objection_filed", "objection_decided", "deadline", "review_waiting")


def upgrade() -> None:
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('url', sa.String(length=300), nullable=False),
        sa.Column('key', sa.String(length=100), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")", name='ck_notification_kind'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_notification_user_id_user', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_notification'),
        sa.UniqueConstraint('user_id', 'key', name='uq_notification_user_id_key'),
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_read', ['user_id', 'read_at'], unique=False)
    op.create_table(
        'notification_preference',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('mail', sa.String(length=10), nullable=False),
        sa.Column('last_digest_on', sa.Date(), nullable=True),
        sa.CheckConstraint("mail IN ('immediate', 'digest', 'none')", name='ck_notification_preference_mail'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_notification_preference_user_id_user',
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name='pk_notification_preference'),
    )
    # recreate='never': rebuilding the table would drop its data-version triggers (migration 0009).
    with op.batch_alter_table('client', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=200), nullable=True))


def downgrade() -> None:
    # recreate='never': rebuilding the table would drop its data-version triggers (migration 0009).
    with op.batch_alter_table('client', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('email')
        batch_op.drop_column('phone')
    op.drop_table('notification_preference')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_read')
    op.drop_table('notification')
