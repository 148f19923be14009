"""initial data model

Revision ID: 0001
Revises: 
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa
import portal.models.types

# Tables whose rows are never changed or deleted once written: the audit trail and issued documents.
APPEND_ONLY = ("audit_event", "invoice", "invoice_line", "credit_note_correction")

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consortium',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('lead_municipality_code', sa.String(length=4), nullable=True),
    sa.Column('street', sa.String(length=200), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consortium')),
    sa.UniqueConstraint('code', name=op.f('uq_consortium_code'))
    )
    op.create_table('document_counter',
    sa.Column('series', sa.String(length=20), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('next_number >= 1', name=op.f('ck_document_counter_next_number_positive')),
    sa.PrimaryKeyConstraint('series', name=op.f('pk_document_counter'))
    )
    op.create_table('login_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('at', portal.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempt'))
    )
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempt_email_at', ['email', 'at'], unique=False)
        batch_op.create_index('ix_login_attempt_ip_at', ['ip', 'at'], unique=False)

    op.create_table('provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kvk', sa.String(length=8), nullable=True),
    sa.Column('vat_id', sa.String(length=14), nullable=True),
    sa.Column('iban', sa.String(length=34), nullable=True),
    sa.Column('street', sa.String(length=200), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider')),
    sa.UniqueConstraint('code', name=op.f('uq_provider_code'))
    )
    op.create_table('contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('consortium_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.String(length=30), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('price', portal.models.types.Money(), nullable=False),
    sa.Column('vat_rate', portal.models.types.Percentage(), nullable=False),
    sa.Column('max_trajectories', sa.Integer(), nullable=True),
    sa.Column('submission_deadline_days', sa.Integer(), nullable=True),
    sa.Column('norm_milestone', sa.String(length=30), nullable=True),
    sa.Column('norm_rate', portal.models.types.Percentage(), nullable=True),
    sa.Column('norm_measurement_months', sa.Integer(), nullable=True),
    sa.Column('norm_window_months', sa.Integer(), nullable=True),
    sa.Column('sustained_after_months', sa.Integer(), nullable=False),
    sa.CheckConstraint("norm_milestone IS NULL OR (norm_milestone IN ('intake', 'plan', 'participation_step', 'placement', 'sustained_placement', 'completion'))", name=op.f('ck_contract_norm_milestone')),
    sa.CheckConstraint("segment IN ('voortraject', 'aanbodversterking', 'arbeidsritme', 'directe_bemiddeling', 'sociale_activering')", name=op.f('ck_contract_segment')),
    sa.CheckConstraint('"end" >= start', name=op.f('ck_contract_period')),
    sa.CheckConstraint('max_trajectories IS NULL OR max_trajectories >= 0', name=op.f('ck_contract_max_trajectories')),
    sa.CheckConstraint('norm_milestone IS NULL OR (norm_rate > 0 AND norm_measurement_months >= 1 AND norm_window_months >= 0)', name=op.f('ck_contract_norm_complete')),
    sa.CheckConstraint('price >= 0', name=op.f('ck_contract_price_not_negative')),
    sa.CheckConstraint('submission_deadline_days IS NULL OR submission_deadline_days >= 0', name=op.f('ck_contract_submission_deadline_days')),
    sa.CheckConstraint('vat_rate >= 0', name=op.f('ck_contract_vat_rate_not_negative')),
    sa.ForeignKeyConstraint(['consortium_id'], ['consortium.id'], name=op.f('fk_contract_consortium_id_consortium')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_contract_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract')),
    sa.UniqueConstraint('code', name=op.f('uq_contract_code'))
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_consortium_id'), ['consortium_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contract_provider_id'), ['provider_id'], unique=False)

    op.create_table('municipality',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consortium_id', sa.Integer(), nullable=False),
    sa.Column('cbs_code', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=True),
    sa.Column('postcode', sa.String(length=10), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('oin', sa.String(length=20), nullable=True),
    sa.Column('kvk', sa.String(length=8), nullable=True),
    sa.CheckConstraint('length(cbs_code) = 4', name=op.f('ck_municipality_cbs_code_length')),
    sa.ForeignKeyConstraint(['consortium_id'], ['consortium.id'], name=op.f('fk_municipality_consortium_id_consortium')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_municipality')),
    sa.UniqueConstraint('cbs_code', name=op.f('uq_municipality_cbs_code'))
    )
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_municipality_consortium_id'), ['consortium_id'], unique=False)

    op.create_table('client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=40), nullable=False),
    sa.Column('bsn_hash', sa.String(length=64), nullable=False),
    sa.Column('bsn_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('bsn_last4', sa.String(length=4), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('target_group', sa.String(length=30), nullable=True),
    sa.Column('benefit', sa.String(length=30), nullable=True),
    sa.Column('created_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("benefit IS NULL OR (benefit IN ('participatiewet', 'anw', 'ioaw', 'nug'))", name=op.f('ck_client_benefit')),
    sa.CheckConstraint("target_group IS NULL OR (target_group IN ('statushouder', '50plus', 'jongere', 'arbeidsbeperking', 'overig'))", name=op.f('ck_client_target_group')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_client_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client')),
    sa.UniqueConstraint('bsn_hash', name=op.f('uq_client_bsn_hash')),
    sa.UniqueConstraint('ref', name=op.f('uq_client_ref'))
    )
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_client_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('excluded_end_reason',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('end_reason', sa.String(length=20), nullable=False),
    sa.CheckConstraint("end_reason IN ('moved', 'deceased', 'medical', 'work', 'dropout', 'completed', 'other')", name=op.f('ck_excluded_end_reason_end_reason')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_excluded_end_reason_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contract_id', 'end_reason', name=op.f('pk_excluded_end_reason'))
    )
    op.create_table('funding_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False),
    sa.Column('share', portal.models.types.Percentage(), nullable=False),
    sa.CheckConstraint('share > 0 AND share <= 100', name=op.f('ck_funding_share_share_range')).ddl_if(dialect='postgresql'),
    sa.CheckConstraint('share > 0 AND share <= 1000000', name=op.f('ck_funding_share_share_range')).ddl_if(dialect='sqlite'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_funding_share_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_share')),
    sa.UniqueConstraint('contract_id', 'source', name=op.f('uq_funding_share_contract_id_source'))
    )
    op.create_table('municipality_cap',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('cap', sa.Integer(), nullable=False),
    sa.CheckConstraint('cap >= 0', name=op.f('ck_municipality_cap_cap_not_negative')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_municipality_cap_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_municipality_cap_municipality_id_municipality')),
    sa.PrimaryKeyConstraint('contract_id', 'municipality_id', name=op.f('pk_municipality_cap'))
    )
    op.create_table('staffel_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('min_ratio', portal.models.types.Percentage(), nullable=False),
    sa.Column('pay', portal.models.types.Percentage(), nullable=False),
    sa.CheckConstraint('min_ratio >= 0', name=op.f('ck_staffel_step_min_ratio_not_negative')),
    sa.CheckConstraint('pay >= 0 AND pay <= 1', name=op.f('ck_staffel_step_pay_fraction')).ddl_if(dialect='postgresql'),
    sa.CheckConstraint('pay >= 0 AND pay <= 10000', name=op.f('ck_staffel_step_pay_fraction')).ddl_if(dialect='sqlite'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_staffel_step_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staffel_step')),
    sa.UniqueConstraint('contract_id', 'min_ratio', name=op.f('uq_staffel_step_contract_id_min_ratio'))
    )
    op.create_table('tranche',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('milestone_type', sa.String(length=30), nullable=False),
    sa.Column('share', portal.models.types.Percentage(), nullable=True),
    sa.Column('amount', portal.models.types.Money(), nullable=True),
    sa.Column('result', sa.Boolean(), nullable=False),
    sa.CheckConstraint("milestone_type IN ('intake', 'plan', 'participation_step', 'placement', 'sustained_placement', 'completion')", name=op.f('ck_tranche_milestone_type')),
    sa.CheckConstraint('(share IS NULL) <> (amount IS NULL)', name=op.f('ck_tranche_share_or_amount')),
    sa.CheckConstraint('amount IS NULL OR amount >= 0', name=op.f('ck_tranche_amount_not_negative')),
    sa.CheckConstraint('share IS NULL OR share >= 0', name=op.f('ck_tranche_share_not_negative')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_tranche_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tranche')),
    sa.UniqueConstraint('contract_id', 'code', name=op.f('uq_tranche_contract_id_code')),
    sa.UniqueConstraint('contract_id', 'milestone_type', name=op.f('uq_tranche_contract_id_milestone_type'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('created_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('last_login_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_user_email_lowercase')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_user_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_user_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_provider_id'), ['provider_id'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.Column('last_used_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=40), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_object', ['object_type', 'object_id'], unique=False)

    op.create_table('role_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.CheckConstraint("role IN ('provider', 'klantmanager', 'reviewer', 'finance', 'admin')", name=op.f('ck_role_grant_role')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_role_grant_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_grant')),
    sa.UniqueConstraint('user_id', 'role', name=op.f('uq_role_grant_user_id_role'))
    )
    op.create_table('settlement_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('prepared_by_id', sa.Integer(), nullable=False),
    sa.Column('prepared_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('submitted_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=True),
    sa.Column('total_payable', portal.models.types.Money(), nullable=False),
    sa.Column('total_withheld', portal.models.types.Money(), nullable=False),
    sa.Column('total_pending', portal.models.types.Money(), nullable=False),
    sa.Column('total_delta', portal.models.types.Money(), nullable=False),
    sa.Column('engine_document', sa.JSON(), nullable=False),
    sa.CheckConstraint("(status = 'issued') = (approved_at IS NOT NULL)", name=op.f('ck_settlement_run_issued_when_approved')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'returned', 'issued', 'discarded')", name=op.f('ck_settlement_run_status')),
    sa.CheckConstraint('approved_by_id IS NULL OR approved_by_id <> prepared_by_id', name=op.f('ck_settlement_run_four_eyes')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user.id'], name=op.f('fk_settlement_run_approved_by_id_user')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_settlement_run_contract_id_contract')),
    sa.ForeignKeyConstraint(['prepared_by_id'], ['user.id'], name=op.f('fk_settlement_run_prepared_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_run'))
    )
    with op.batch_alter_table('settlement_run', schema=None) as batch_op:
        batch_op.create_index('ix_settlement_run_contract_as_of', ['contract_id', 'as_of'], unique=False)

    op.create_table('trajectory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=40), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('segment', sa.String(length=30), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('referred_by_id', sa.Integer(), nullable=True),
    sa.Column('referral_note', sa.Text(), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=True),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=True),
    sa.Column('end_note', sa.Text(), nullable=True),
    sa.Column('plan_status', sa.String(length=20), nullable=False),
    sa.Column('plan_text', sa.Text(), nullable=True),
    sa.Column('plan_feedback', sa.Text(), nullable=True),
    sa.CheckConstraint("end_reason IS NULL OR (end_reason IN ('moved', 'deceased', 'medical', 'work', 'dropout', 'completed', 'other'))", name=op.f('ck_trajectory_end_reason')),
    sa.CheckConstraint("plan_status IN ('none', 'submitted', 'approved', 'returned')", name=op.f('ck_trajectory_plan_status')),
    sa.CheckConstraint("segment IN ('voortraject', 'aanbodversterking', 'arbeidsritme', 'directe_bemiddeling', 'sociale_activering')", name=op.f('ck_trajectory_segment')),
    sa.CheckConstraint("status IN ('referred', 'declined') OR start IS NOT NULL", name=op.f('ck_trajectory_started')),
    sa.CheckConstraint("status IN ('referred', 'declined', 'accepted', 'active', 'ended')", name=op.f('ck_trajectory_status')),
    sa.CheckConstraint('(status = \'ended\') = (end_reason IS NOT NULL AND "end" IS NOT NULL)', name=op.f('ck_trajectory_ended')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_trajectory_client_id_client')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_trajectory_contract_id_contract')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_trajectory_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_trajectory_provider_id_provider')),
    sa.ForeignKeyConstraint(['referred_by_id'], ['user.id'], name=op.f('fk_trajectory_referred_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trajectory')),
    sa.UniqueConstraint('ref', name=op.f('uq_trajectory_ref'))
    )
    with op.batch_alter_table('trajectory', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trajectory_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_trajectory_contract_start', ['contract_id', 'start'], unique=False)
        batch_op.create_index(batch_op.f('ix_trajectory_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index('ix_trajectory_provider_status', ['provider_id', 'status'], unique=False)
        batch_op.create_index('uq_trajectory_open_client_segment', ['client_id', 'segment'], unique=True, sqlite_where=sa.text("status IN ('referred', 'accepted', 'active')"), postgresql_where=sa.text("status IN ('referred', 'accepted', 'active')"))

    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('series', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('display_number', sa.String(length=30), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('vat_rate', portal.models.types.Percentage(), nullable=False),
    sa.Column('subtotal', portal.models.types.Money(), nullable=False),
    sa.Column('vat', portal.models.types.Money(), nullable=False),
    sa.Column('total', portal.models.types.Money(), nullable=False),
    sa.Column('frozen', sa.JSON(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('ubl', sa.LargeBinary(), nullable=False),
    sa.Column('ubl_sha256', sa.String(length=64), nullable=False),
    sa.Column('issued_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("(kind = 'invoice' AND total > 0) OR (kind = 'credit_note' AND total < 0)", name=op.f('ck_invoice_sign')),
    sa.CheckConstraint("kind IN ('invoice', 'credit_note')", name=op.f('ck_invoice_kind')),
    sa.CheckConstraint('length(pdf_sha256) = 64 AND length(ubl_sha256) = 64', name=op.f('ck_invoice_hashes')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_invoice_number_positive')),
    sa.CheckConstraint('total = subtotal + vat', name=op.f('ck_invoice_total_adds_up')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_invoice_contract_id_contract')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_invoice_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_invoice_provider_id_provider')),
    sa.ForeignKeyConstraint(['run_id'], ['settlement_run.id'], name=op.f('fk_invoice_run_id_settlement_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice')),
    sa.UniqueConstraint('display_number', name=op.f('uq_invoice_display_number')),
    sa.UniqueConstraint('series', 'number', name=op.f('uq_invoice_series_number'))
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index('ix_invoice_provider_issue_date', ['provider_id', 'issue_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_invoice_run_id'), ['run_id'], unique=False)

    op.create_table('placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('employer_name', sa.String(length=200), nullable=False),
    sa.Column('employer_kvk', sa.String(length=8), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('contract_type', sa.String(length=20), nullable=False),
    sa.Column('hours_per_week', portal.models.types.ExactDecimal(5, 2), nullable=False),
    sa.Column('gross_wage', portal.models.types.Money(), nullable=False),
    sa.Column('benefit_ends', sa.String(length=10), nullable=False),
    sa.CheckConstraint("benefit_ends IN ('fully', 'partly', 'not')", name=op.f('ck_placement_benefit_ends')),
    sa.CheckConstraint("contract_type IN ('vast', 'bepaalde_tijd', 'uitzend', 'oproep', 'proefplaatsing')", name=op.f('ck_placement_contract_type')),
    sa.CheckConstraint('gross_wage >= 0', name=op.f('ck_placement_gross_wage_not_negative')),
    sa.CheckConstraint('hours_per_week > 0 AND hours_per_week <= 60', name=op.f('ck_placement_hours_per_week')).ddl_if(dialect='postgresql'),
    sa.CheckConstraint('hours_per_week > 0 AND hours_per_week <= 6000', name=op.f('ck_placement_hours_per_week')).ddl_if(dialect='sqlite'),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_placement_trajectory_id_trajectory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement'))
    )
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_trajectory_id'), ['trajectory_id'], unique=False)

    op.create_table('credit_note_correction',
    sa.Column('credit_note_id', sa.Integer(), nullable=False),
    sa.Column('corrected_invoice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['corrected_invoice_id'], ['invoice.id'], name=op.f('fk_credit_note_correction_corrected_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['credit_note_id'], ['invoice.id'], name=op.f('fk_credit_note_correction_credit_note_id_invoice')),
    sa.PrimaryKeyConstraint('credit_note_id', 'corrected_invoice_id', name=op.f('pk_credit_note_correction'))
    )
    op.create_table('milestone_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=40), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('submitted', sa.Date(), nullable=False),
    sa.Column('submitted_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('placement_id', sa.Integer(), nullable=True),
    sa.Column('review', sa.String(length=20), nullable=False),
    sa.Column('reviewed', sa.Date(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(review = 'pending') = (reviewed IS NULL)", name=op.f('ck_milestone_claim_reviewed_when_decided')),
    sa.CheckConstraint("review IN ('pending', 'approved', 'rejected')", name=op.f('ck_milestone_claim_review')),
    sa.CheckConstraint("type IN ('intake', 'plan', 'participation_step', 'placement', 'sustained_placement', 'completion')", name=op.f('ck_milestone_claim_type')),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_milestone_claim_placement_id_placement')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_milestone_claim_reviewed_by_id_user')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_milestone_claim_submitted_by_id_user')),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_milestone_claim_trajectory_id_trajectory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone_claim')),
    sa.UniqueConstraint('ref', name=op.f('uq_milestone_claim_ref'))
    )
    with op.batch_alter_table('milestone_claim', schema=None) as batch_op:
        batch_op.create_index('ix_milestone_claim_review_submitted', ['review', 'submitted'], unique=False)
        batch_op.create_index('ix_milestone_claim_trajectory_type', ['trajectory_id', 'type'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', portal.models.types.Money(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_payment_amount_not_zero')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_payment_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_payment_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('evidence_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("content_type IN ('application/pdf', 'image/png', 'image/jpeg')", name=op.f('ck_evidence_file_content_type')),
    sa.CheckConstraint("kind IN ('employment_contract', 'payslip', 'employer_statement', 'attendance_list', 'plan', 'other')", name=op.f('ck_evidence_file_kind')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_evidence_file_sha256_length')),
    sa.CheckConstraint('size > 0 AND size <= 10485760', name=op.f('ck_evidence_file_size')),
    sa.ForeignKeyConstraint(['claim_id'], ['milestone_claim.id'], name=op.f('fk_evidence_file_claim_id_milestone_claim')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_evidence_file_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file')),
    sa.UniqueConstraint('claim_id', 'sha256', name=op.f('uq_evidence_file_claim_id_sha256'))
    )
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_file_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_file_sha256'), ['sha256'], unique=False)

    op.create_table('review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('reason_text', sa.Text(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('decided_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("decision IN ('approved', 'rejected', 'revoked')", name=op.f('ck_review_decision')),
    sa.ForeignKeyConstraint(['claim_id'], ['milestone_claim.id'], name=op.f('fk_review_claim_id_milestone_claim')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], name=op.f('fk_review_reviewer_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review'))
    )
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_claim_id'), ['claim_id'], unique=False)

    op.create_table('settlement_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('milestone_ref', sa.String(length=40), nullable=False),
    sa.Column('trajectory_ref', sa.String(length=40), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('tranche_code', sa.String(length=40), nullable=False),
    sa.Column('milestone_type', sa.String(length=30), nullable=True),
    sa.Column('milestone_date', sa.Date(), nullable=True),
    sa.Column('amount', portal.models.types.Money(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=True),
    sa.Column('payable', portal.models.types.Money(), nullable=False),
    sa.Column('withheld', portal.models.types.Money(), nullable=False),
    sa.Column('pending', portal.models.types.Money(), nullable=False),
    sa.Column('previously_invoiced', portal.models.types.Money(), nullable=False),
    sa.Column('delta', portal.models.types.Money(), nullable=False),
    sa.Column('delta_reason', sa.String(length=20), nullable=True),
    sa.Column('funding', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.CheckConstraint("delta_reason IS NULL OR (delta_reason IN ('CORRECTION', 'REVOKED'))", name=op.f('ck_settlement_line_delta_reason')),
    sa.CheckConstraint("status IN ('payable', 'partial', 'withheld', 'pending')", name=op.f('ck_settlement_line_status')),
    sa.CheckConstraint('payable + withheld + pending = amount', name=op.f('ck_settlement_line_parts_add_up')),
    sa.ForeignKeyConstraint(['claim_id'], ['milestone_claim.id'], name=op.f('fk_settlement_line_claim_id_milestone_claim')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], name=op.f('fk_settlement_line_municipality_id_municipality')),
    sa.ForeignKeyConstraint(['run_id'], ['settlement_run.id'], name=op.f('fk_settlement_line_run_id_settlement_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_line')),
    sa.UniqueConstraint('run_id', 'milestone_ref', 'tranche_code', name=op.f('uq_settlement_line_run_id_milestone_ref_tranche_code'))
    )
    with op.batch_alter_table('settlement_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_line_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_settlement_line_run_id'), ['run_id'], unique=False)

    op.create_table('invoice_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('settlement_line_id', sa.Integer(), nullable=False),
    sa.Column('milestone_ref', sa.String(length=40), nullable=False),
    sa.Column('tranche_code', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=True),
    sa.Column('amount', portal.models.types.Money(), nullable=False),
    sa.Column('funding', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_invoice_line_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['settlement_line_id'], ['settlement_line.id'], name=op.f('fk_invoice_line_settlement_line_id_settlement_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_line')),
    sa.UniqueConstraint('invoice_id', 'number', name=op.f('uq_invoice_line_invoice_id_number'))
    )
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_line_settlement_line_id'), ['settlement_line_id'], unique=False)

    op.create_table('objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('settlement_line_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('reason_objected', sa.String(length=40), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(status = 'open') = (decided_at IS NULL)", name=op.f('ck_objection_decided')),
    sa.CheckConstraint("status IN ('open', 'upheld', 'rejected')", name=op.f('ck_objection_status')),
    sa.ForeignKeyConstraint(['claim_id'], ['milestone_claim.id'], name=op.f('fk_objection_claim_id_milestone_claim')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_objection_created_by_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_objection_decided_by_id_user')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_objection_provider_id_provider')),
    sa.ForeignKeyConstraint(['settlement_line_id'], ['settlement_line.id'], name=op.f('fk_objection_settlement_line_id_settlement_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection'))
    )
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objection_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objection_settlement_line_id'), ['settlement_line_id'], unique=False)

    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objection_settlement_line_id'))
        batch_op.drop_index(batch_op.f('ix_objection_provider_id'))
        batch_op.drop_index(batch_op.f('ix_objection_claim_id'))

    op.drop_table('objection')
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_line_settlement_line_id'))

    op.drop_table('invoice_line')
    with op.batch_alter_table('settlement_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_line_run_id'))
        batch_op.drop_index(batch_op.f('ix_settlement_line_claim_id'))

    op.drop_table('settlement_line')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_claim_id'))

    op.drop_table('review')
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_file_sha256'))
        batch_op.drop_index(batch_op.f('ix_evidence_file_claim_id'))

    op.drop_table('evidence_file')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_invoice_id'))

    op.drop_table('payment')
    with op.batch_alter_table('milestone_claim', schema=None) as batch_op:
        batch_op.drop_index('ix_milestone_claim_trajectory_type')
        batch_op.drop_index('ix_milestone_claim_review_submitted')

    op.drop_table('milestone_claim')
    op.drop_table('credit_note_correction')
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_trajectory_id'))

    op.drop_table('placement')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_run_id'))
        batch_op.drop_index('ix_invoice_provider_issue_date')
        batch_op.drop_index(batch_op.f('ix_invoice_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_invoice_contract_id'))

    op.drop_table('invoice')
    with op.batch_alter_table('trajectory', schema=None) as batch_op:
        batch_op.drop_index('uq_trajectory_open_client_segment', sqlite_where=sa.text("status IN ('referred', 'accepted', 'active')"), postgresql_where=sa.text("status IN ('referred', 'accepted', 'active')"))
        batch_op.drop_index('ix_trajectory_provider_status')
        batch_op.drop_index(batch_op.f('ix_trajectory_municipality_id'))
        batch_op.drop_index('ix_trajectory_contract_start')
        batch_op.drop_index(batch_op.f('ix_trajectory_client_id'))

    op.drop_table('trajectory')
    with op.batch_alter_table('settlement_run', schema=None) as batch_op:
        batch_op.drop_index('ix_settlement_run_contract_as_of')

    op.drop_table('settlement_run')
    op.drop_table('role_grant')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_object')

    op.drop_table('audit_event')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_provider_id'))
        batch_op.drop_index(batch_op.f('ix_user_municipality_id'))

    op.drop_table('user')
    op.drop_table('tranche')
    op.drop_table('staffel_step')
    op.drop_table('municipality_cap')
    op.drop_table('funding_share')
    op.drop_table('excluded_end_reason')
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_municipality_id'))

    op.drop_table('client')
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_municipality_consortium_id'))

    op.drop_table('municipality')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_provider_id'))
        batch_op.drop_index(batch_op.f('ix_contract_consortium_id'))

    op.drop_table('contract')
    op.drop_table('provider')
    with op.batch_alter_table('login_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempt_ip_at')
        batch_op.drop_index('ix_login_attempt_email_at')

    op.drop_table('login_attempt')
    op.drop_table('document_counter')
    op.drop_table('consortium')


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: rows are never changed or deleted', TG_TABLE_NAME;
            END $$""")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION refuse_change()")
    else:
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION refuse_change()")
    else:
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{verb}")
