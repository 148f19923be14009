"""trust: session tokens per user, device cookies on login attempts, one-time keys on payments, password resets, TOTP

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'password_reset',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_password_reset_user_id_user'),
        sa.PrimaryKeyConstraint('id', name='pk_password_reset'),
        sa.UniqueConstraint('token_hash', name='uq_password_reset_token_hash'),
    )
    with op.batch_alter_table('password_reset', schema=None) as batch_op:
        batch_op.create_index('ix_password_reset_user_id', ['user_id'], unique=False)
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name='fk_recovery_code_user_id_user'),
        sa.PrimaryKeyConstraint('id', name='pk_recovery_code'),
        sa.UniqueConstraint('code_hash', name='uq_recovery_code_code_hash'),
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index('ix_recovery_code_user_id', ['user_id'], unique=False)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_secret_encrypted', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device', sa.String(length=64), nullable=True))
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint('uq_payment_submission_key', ['submission_key'])


def downgrade() -> None:
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint('uq_payment_submission_key', type_='unique')
        batch_op.drop_column('submission_key')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_column('device')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret_encrypted')
        batch_op.drop_column('session_token')
    op.drop_table('recovery_code')
    op.drop_table('password_reset')
