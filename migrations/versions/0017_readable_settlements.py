"""finance: bank statements (CAMT.053) and their entries, matched to invoices as payments (issue 14)

`bank_entry.entry_key` is unique, so an entry that appears in two statement files is booked once;
`bank_entry.payment_id` is unique, so one payment comes from one entry at most.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import portal.models.types

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'bank_statement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_iban', sa.String(length=34), nullable=False),
        sa.Column('statement_ref', sa.String(length=35), nullable=False),
        sa.Column('file_sha256', sa.String(length=64), nullable=False),
        sa.Column('imported_by_id', sa.Integer(), nullable=False),
        sa.Column('imported_at', portal.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['imported_by_id'], ['user.id'], name=op.f('fk_bank_statement_imported_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statement')),
        sa.UniqueConstraint('file_sha256', name=op.f('uq_bank_statement_file_sha256')),
    )
    op.create_table(
        'bank_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('entry_key', sa.String(length=64), nullable=False),
        sa.Column('booked_on', sa.Date(), nullable=False),
        sa.Column('amount', portal.models.types.Money(), nullable=False),
        sa.Column('counterparty', sa.String(length=140), nullable=False),
        sa.Column('remittance', sa.String(length=500), nullable=False),
        sa.Column('bank_reference', sa.String(length=100), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('invoice_id', sa.Integer(), nullable=True),
        sa.Column('payment_id', sa.Integer(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', portal.models.types.UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('booked', 'unmatched', 'ignored')", name=op.f('ck_bank_entry_status')),
        sa.CheckConstraint('amount <> 0', name=op.f('ck_bank_entry_amount_not_zero')),
        sa.CheckConstraint("(status = 'booked') = (payment_id IS NOT NULL)",
                           name=op.f('ck_bank_entry_booked_has_payment')),
        sa.ForeignKeyConstraint(['statement_id'], ['bank_statement.id'],
                                name=op.f('fk_bank_entry_statement_id_bank_statement')),
        sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_bank_entry_invoice_id_invoice')),
        sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_bank_entry_payment_id_payment')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_bank_entry_decided_by_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_entry')),
        sa.UniqueConstraint('entry_key', name=op.f('uq_bank_entry_entry_key')),
        sa.UniqueConstraint('payment_id', name=op.f('uq_bank_entry_payment_id')),
    )
    with op.batch_alter_table('bank_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_entry_statement_id'), ['statement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_entry_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('bank_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_entry_status'))
        batch_op.drop_index(batch_op.f('ix_bank_entry_statement_id'))
    op.drop_table('bank_entry')
    op.drop_table('bank_statement')
