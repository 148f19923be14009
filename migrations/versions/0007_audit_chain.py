"""the auditor: hash chain on audit events, samples and findings (issue 15)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('provider', 'klantmanager', 'reviewer', 'finance', 'admin')"
NEW_ROLES = "role IN ('provider', 'klantmanager', 'reviewer', 'finance', 'admin', 'auditor')"
GENESIS = "0" * 64
# A sealed event never changes; an unsealed one (sealed at commit) may only receive its chain fields.
SEAL_ONLY_PG = ("OLD.hash IS NULL AND NEW.hash IS NOT NULL AND NEW.id = OLD.id "
                "AND NEW.occurred_at = OLD.occurred_at AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id "
                "AND NEW.actor_label = OLD.actor_label AND NEW.action = OLD.action "
                "AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id "
                "AND NEW.before::text IS NOT DISTINCT FROM OLD.before::text "
                "AND NEW.after::text IS NOT DISTINCT FROM OLD.after::text")
SEAL_ONLY_SQLITE = ("OLD.hash IS NULL AND NEW.hash IS NOT NULL AND NEW.id = OLD.id "
                    "AND NEW.occurred_at = OLD.occurred_at AND NEW.actor_id IS OLD.actor_id "
                    "AND NEW.actor_label = OLD.actor_label AND NEW.action = OLD.action "
                    "AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id "
                    "AND NEW.before IS OLD.before AND NEW.after IS OLD.after")


def upgrade() -> None:
    with op.batch_alter_table('role_grant', schema=None, recreate='always') as batch_op:
        batch_op.drop_constraint(op.f('ck_role_grant_role'), type_='check')
        batch_op.create_check_constraint('role', NEW_ROLES)

    # Plain ADD COLUMN / CREATE INDEX on both engines, so SQLite keeps the table and its triggers.
    with op.batch_alter_table('audit_event', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('chain_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_index('uq_audit_event_chain_seq', ['chain_seq'], unique=True)
        batch_op.create_index('ix_audit_event_occurred_at', ['occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_audit_event_actor', ['actor_id', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_audit_event_action', ['action', 'occurred_at', 'id'], unique=False)
    _replace_audit_trigger(seal_allowed=True)

    head = op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS}])
    op.create_table('audit_anchor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('chain_seq', sa.Integer(), nullable=False),
    sa.Column('chain_hash', sa.String(length=64), nullable=False),
    sa.Column('anchored_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['settlement_run.id'], name=op.f('fk_audit_anchor_run_id_settlement_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_anchor')),
    sa.UniqueConstraint('run_id', name=op.f('uq_audit_anchor_run_id'))
    )
    op.create_table('audit_sample',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('segment', sa.String(length=40), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('population', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('confidence', portal.models.types.Percentage(), nullable=False),
    sa.Column('tolerable', portal.models.types.Money(), nullable=False),
    sa.Column('expected', portal.models.types.Money(), nullable=False),
    sa.Column('population_count', sa.Integer(), nullable=False),
    sa.Column('population_value', portal.models.types.Money(), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=False),
    sa.Column('seed', sa.String(length=40), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("population IN ('paid_lines', 'approved_claims')", name=op.f('ck_audit_sample_population')),
    sa.CheckConstraint("method IN ('mus', 'attribute')", name=op.f('ck_audit_sample_method')),
    sa.CheckConstraint('contract_id IS NOT NULL OR segment IS NOT NULL', name=op.f('ck_audit_sample_scope')),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_audit_sample_period')),
    sa.CheckConstraint('sample_size >= 1', name=op.f('ck_audit_sample_size_positive')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_audit_sample_contract_id_contract')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_audit_sample_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_sample'))
    )
    with op.batch_alter_table('audit_sample', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_sample_contract_id'), ['contract_id'], unique=False)
    op.create_table('audit_sample_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('settlement_line_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('book_value', portal.models.types.Money(), nullable=False),
    sa.Column('finding', sa.String(length=20), nullable=True),
    sa.Column('misstated', portal.models.types.Money(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.Column('handed_over_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.Column('revocation_review_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("finding IS NULL OR (finding IN ('correct', 'error', 'not_verifiable'))",
                       name=op.f('ck_audit_sample_item_finding')),
    sa.CheckConstraint("(finding = 'error') = (misstated IS NOT NULL)",
                       name=op.f('ck_audit_sample_item_misstated_with_error')),
    sa.ForeignKeyConstraint(['sample_id'], ['audit_sample.id'],
                            name=op.f('fk_audit_sample_item_sample_id_audit_sample'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['settlement_line_id'], ['settlement_line.id'],
                            name=op.f('fk_audit_sample_item_settlement_line_id_settlement_line')),
    sa.ForeignKeyConstraint(['claim_id'], ['milestone_claim.id'],
                            name=op.f('fk_audit_sample_item_claim_id_milestone_claim')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_audit_sample_item_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['revocation_review_id'], ['review.id'],
                            name=op.f('fk_audit_sample_item_revocation_review_id_review')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_sample_item')),
    sa.UniqueConstraint('sample_id', 'position', name=op.f('uq_audit_sample_item_sample_id_position')),
    sa.UniqueConstraint('revocation_review_id', name=op.f('uq_audit_sample_item_revocation_review_id'))
    )
    with op.batch_alter_table('audit_sample_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_sample_item_sample_id'), ['sample_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_sample_item_claim_id'), ['claim_id'], unique=False)


def downgrade() -> None:
    op.drop_table('audit_sample_item')
    op.drop_table('audit_sample')
    op.drop_table('audit_anchor')
    op.drop_table('audit_chain_head')
    _replace_audit_trigger(seal_allowed=False)
    with op.batch_alter_table('audit_event', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('ix_audit_event_action')
        batch_op.drop_index('ix_audit_event_actor')
        batch_op.drop_index('ix_audit_event_occurred_at')
        batch_op.drop_index('uq_audit_event_chain_seq')
    if op.get_bind().dialect.name == "postgresql":
        for column in ('hash', 'prev_hash', 'chain_seq'):
            op.drop_column('audit_event', column)
    else:
        # SQLite drops a column in place (3.35+); the table, and so its triggers, stay.
        for column in ('hash', 'prev_hash', 'chain_seq'):
            op.execute(f'ALTER TABLE audit_event DROP COLUMN {column}')
    op.execute("DELETE FROM role_grant WHERE role = 'auditor'")
    with op.batch_alter_table('role_grant', schema=None, recreate='always') as batch_op:
        batch_op.drop_constraint(op.f('ck_role_grant_role'), type_='check')
        batch_op.create_check_constraint('role', OLD_ROLES)


def _replace_audit_trigger(seal_allowed: bool) -> None:
    """Swap audit_event's append-only trigger for one that also lets an unsealed event be sealed once (or back)."""
    if op.get_bind().dialect.name == "postgresql":
        if seal_allowed:
            op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
            op.execute("CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event FOR EACH ROW "
                       f"WHEN (NOT ({SEAL_ONLY_PG})) EXECUTE FUNCTION refuse_change()")
            op.execute("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event FOR EACH ROW "
                       "EXECUTE FUNCTION refuse_change()")
        else:
            op.execute("DROP TRIGGER audit_event_no_delete ON audit_event")
            op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
            op.execute("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
                       "FOR EACH ROW EXECUTE FUNCTION refuse_change()")
    else:
        op.execute("DROP TRIGGER audit_event_no_update")
        when = f" WHEN NOT ({SEAL_ONLY_SQLITE})" if seal_allowed else ""
        op.execute(f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event{when} "
                   "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END")
