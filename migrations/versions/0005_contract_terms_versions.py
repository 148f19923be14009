"""contract terms as numbered versions and amendments with four eyes (issue 10)

Every existing contract gets version 1: its current terms, approved, recorded by the system.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""
from datetime import datetime, timezone
from decimal import Decimal

from alembic import op
import sqlalchemy as sa
import portal.models.types

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

FIRST_VERSION_REASON = "Oorspronkelijke contractvoorwaarden (vastgelegd bij de invoering van versies)"


def upgrade() -> None:
    op.create_table('contract_terms_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('proposed', 'approved', 'rejected')", name=op.f('ck_contract_terms_version_status')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_contract_terms_version_number_positive')),
    sa.CheckConstraint("(status = 'proposed') = (decided_at IS NULL)",
                       name=op.f('ck_contract_terms_version_decided_when_not_proposed')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'],
                            name=op.f('fk_contract_terms_version_contract_id_contract')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_contract_terms_version_decided_by_id_user')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id'],
                            name=op.f('fk_contract_terms_version_proposed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract_terms_version')),
    sa.UniqueConstraint('contract_id', 'number', name=op.f('uq_contract_terms_version_contract_id_number'))
    )
    with op.batch_alter_table('contract_terms_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_terms_version_contract_id'), ['contract_id'], unique=False)
    _create_frozen_triggers()
    _record_first_versions()


def downgrade() -> None:
    _drop_frozen_triggers()
    with op.batch_alter_table('contract_terms_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_terms_version_contract_id'))
    op.drop_table('contract_terms_version')


def _create_frozen_triggers() -> None:
    # A decided version (approved or rejected) never changes; no version is ever deleted.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION refuse_decided_terms_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' OR OLD.status <> 'proposed' THEN
                    RAISE EXCEPTION 'contract_terms_version %: a decided version never changes', OLD.id;
                END IF;
                RETURN NEW;
            END $$""")
        op.execute("CREATE TRIGGER contract_terms_version_frozen BEFORE UPDATE OR DELETE ON contract_terms_version "
                   "FOR EACH ROW EXECUTE FUNCTION refuse_decided_terms_change()")
    else:
        op.execute("CREATE TRIGGER contract_terms_version_no_update BEFORE UPDATE ON contract_terms_version "
                   "WHEN OLD.status <> 'proposed' "
                   "BEGIN SELECT RAISE(ABORT, 'contract_terms_version: a decided version never changes'); END")
        op.execute("CREATE TRIGGER contract_terms_version_no_delete BEFORE DELETE ON contract_terms_version "
                   "BEGIN SELECT RAISE(ABORT, 'contract_terms_version: versions are never deleted'); END")


def _drop_frozen_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER contract_terms_version_frozen ON contract_terms_version")
        op.execute("DROP FUNCTION refuse_decided_terms_change()")
    else:
        op.execute("DROP TRIGGER contract_terms_version_no_update")
        op.execute("DROP TRIGGER contract_terms_version_no_delete")


# -- data: version 1 of every existing contract -------------------------------------------
# Frozen copies of the tables as this migration knows them (later models may differ).
Money, Percentage = portal.models.types.Money, portal.models.types.Percentage
contract = sa.table(
    "contract", sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("provider_id", sa.Integer),
    sa.column("segment", sa.String), sa.column("start", sa.Date), sa.column("end", sa.Date),
    sa.column("price", Money()), sa.column("vat_rate", Percentage()), sa.column("max_trajectories", sa.Integer),
    sa.column("submission_deadline_days", sa.Integer), sa.column("norm_milestone", sa.String),
    sa.column("norm_rate", Percentage()), sa.column("norm_measurement_months", sa.Integer),
    sa.column("norm_window_months", sa.Integer))
provider = sa.table("provider", sa.column("id", sa.Integer), sa.column("code", sa.String))
municipality = sa.table("municipality", sa.column("id", sa.Integer), sa.column("cbs_code", sa.String))
tranche = sa.table("tranche", sa.column("contract_id", sa.Integer), sa.column("position", sa.Integer),
                   sa.column("code", sa.String), sa.column("milestone_type", sa.String),
                   sa.column("share", Percentage()), sa.column("amount", Money()), sa.column("result", sa.Boolean))
staffel_step = sa.table("staffel_step", sa.column("contract_id", sa.Integer), sa.column("min_ratio", Percentage()),
                        sa.column("pay", Percentage()))
excluded = sa.table("excluded_end_reason", sa.column("contract_id", sa.Integer), sa.column("end_reason", sa.String))
funding_share = sa.table("funding_share", sa.column("contract_id", sa.Integer), sa.column("position", sa.Integer),
                         sa.column("source", sa.String), sa.column("share", Percentage()))
municipality_cap = sa.table("municipality_cap", sa.column("contract_id", sa.Integer),
                            sa.column("municipality_id", sa.Integer), sa.column("cap", sa.Integer))
version = sa.table(
    "contract_terms_version", sa.column("contract_id", sa.Integer), sa.column("number", sa.Integer),
    sa.column("terms", sa.JSON), sa.column("status", sa.String), sa.column("reason", sa.Text),
    sa.column("proposed_at", portal.models.types.UTCDateTime()),
    sa.column("decided_at", portal.models.types.UTCDateTime()))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _record_first_versions() -> None:
    bind = op.get_bind()
    providers = dict(bind.execute(sa.select(provider.c.id, provider.c.code)).all())
    cbs = dict(bind.execute(sa.select(municipality.c.id, municipality.c.cbs_code)).all())
    now = datetime.now(timezone.utc)
    rows = []
    for c in bind.execute(sa.select(contract).order_by(contract.c.id)).mappings():
        terms = {"code": c["code"], "provider": providers[c["provider_id"]], "segment": c["segment"],
                 "start": c["start"].isoformat(), "end": c["end"].isoformat(), "price": _money(c["price"]),
                 "vat_rate": _plain(c["vat_rate"])}
        if c["max_trajectories"] is not None:
            terms["max_trajectories"] = c["max_trajectories"]
        caps = {cbs[mid]: cap for mid, cap in bind.execute(
            sa.select(municipality_cap.c.municipality_id, municipality_cap.c.cap)
            .where(municipality_cap.c.contract_id == c["id"]))}
        if caps:
            terms["municipality_caps"] = dict(sorted(caps.items()))
        if c["submission_deadline_days"] is not None:
            terms["submission_deadline_days"] = c["submission_deadline_days"]
        terms["tranches"] = []
        for t in bind.execute(sa.select(tranche).where(tranche.c.contract_id == c["id"])
                              .order_by(tranche.c.position)).mappings():
            entry = {"code": t["code"], "milestone": t["milestone_type"]}
            if t["share"] is not None:
                entry["share"] = _plain(t["share"])
            if t["amount"] is not None:
                entry["amount"] = _money(t["amount"])
            entry["result"] = bool(t["result"])
            terms["tranches"].append(entry)
        if c["norm_milestone"] is not None:
            terms["norm"] = {
                "milestone": c["norm_milestone"], "rate": _plain(c["norm_rate"]),
                "measurement_months": c["norm_measurement_months"], "window_months": c["norm_window_months"],
                "excluded_end_reasons": list(bind.scalars(
                    sa.select(excluded.c.end_reason).where(excluded.c.contract_id == c["id"])
                    .order_by(excluded.c.end_reason))),
                "staffel": [{"min_ratio": _plain(s.min_ratio), "pay": _plain(s.pay)} for s in bind.execute(
                    sa.select(staffel_step.c.min_ratio, staffel_step.c.pay)
                    .where(staffel_step.c.contract_id == c["id"]).order_by(staffel_step.c.min_ratio))]}
        funding = [{"source": f.source, "share": _plain(f.share)} for f in bind.execute(
            sa.select(funding_share.c.source, funding_share.c.share)
            .where(funding_share.c.contract_id == c["id"]).order_by(funding_share.c.position))]
        if funding:
            terms["funding"] = funding
        rows.append({"contract_id": c["id"], "number": 1, "terms": terms, "status": "approved",
                     "reason": FIRST_VERSION_REASON, "proposed_at": now, "decided_at": now})
    if rows:
        op.bulk_insert(version, rows)
