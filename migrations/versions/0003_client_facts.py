"""clients as people: target groups, benefits, profiles, participatieladder, activation results, durable outflow, ESF facts (issue 9)

The client's one undated target group and benefit become dated facts (client_fact); the old
columns stay as the values given at registration. A benefit "nug" (niet-uitkeringsgerechtigd)
becomes the target group "nug" with the benefit "none".

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

import portal.models.types

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

OLD_TARGET_GROUPS = ('statushouder', '50plus', 'jongere', 'arbeidsbeperking', 'overig')
OLD_BENEFITS = ('participatiewet', 'anw', 'ioaw', 'nug')
TARGET_GROUPS = ('statushouder', '50plus', 'jongere', 'arbeidsbeperking', 'nug', 'anw', 'overig')
BENEFITS = ('participatiewet', 'ioaw', 'ioaz', 'anw', 'ww', 'wia', 'wajong', 'wao', 'none')
CONFIRMED_INTAKE = "status = 'confirmed' AND at_intake"
# Facts given without a date hold from birth (or, without a birth date, from this date).
UNDATED = "1900-01-01"


def _in(column, values):
    return f"{column} IS NULL OR ({column} IN ({', '.join(repr(v) for v in values)}))"


def _client_checks(target_groups, benefits):
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_client_target_group'), type_='check')
        batch_op.drop_constraint(op.f('ck_client_benefit'), type_='check')
        batch_op.create_check_constraint(op.f('ck_client_target_group'), _in('target_group', target_groups))
        batch_op.create_check_constraint(op.f('ck_client_benefit'), _in('benefit', benefits))


def upgrade() -> None:
    op.create_table('client_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_profile')),
    sa.UniqueConstraint('code', name=op.f('uq_client_profile_code'))
    )
    op.create_table('durable_outflow_terms',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('benefit_must_end', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_durable_outflow_terms_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contract_id', name=op.f('pk_durable_outflow_terms'))
    )
    op.create_table('client_fact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=30), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('member', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(kind = 'target_group' AND value IN ('statushouder', '50plus', 'jongere', 'arbeidsbeperking', 'nug', 'anw', 'overig')) OR (kind = 'benefit' AND value IN ('participatiewet', 'ioaw', 'ioaz', 'anw', 'ww', 'wia', 'wajong', 'wao', 'none')) OR (kind = 'language_level' AND value IN ('a0', 'a1', 'a2', 'b1', 'b2', 'c1', 'c2', 'moedertaal')) OR kind = 'profile'", name=op.f('ck_client_fact_value')),
    sa.CheckConstraint("kind IN ('target_group', 'benefit', 'profile', 'language_level')", name=op.f('ck_client_fact_kind')),
    sa.CheckConstraint("member OR kind = 'target_group'", name=op.f('ck_client_fact_member_only_target_group')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_client_fact_client_id_client')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_client_fact_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_fact'))
    )
    with op.batch_alter_table('client_fact', schema=None) as batch_op:
        batch_op.create_index('ix_client_fact_client_kind_valid_from', ['client_id', 'kind', 'valid_from'], unique=False)

    op.create_table('activation_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('volunteering', 'mantelzorg', 'beschut_werk', 'dagbesteding', 'training', 'language_course')", name=op.f('ck_activation_result_kind')),
    sa.CheckConstraint('"end" IS NULL OR "end" >= start', name=op.f('ck_activation_result_period')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_activation_result_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_activation_result_trajectory_id_trajectory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activation_result'))
    )
    with op.batch_alter_table('activation_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activation_result_trajectory_id'), ['trajectory_id'], unique=False)

    op.create_table('esf_participant',
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('gender', sa.String(length=10), nullable=False),
    sa.Column('isced', sa.String(length=2), nullable=False),
    sa.Column('labour_status', sa.String(length=30), nullable=False),
    sa.Column('exit_result', sa.String(length=20), nullable=True),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("exit_result IS NULL OR (exit_result IN ('in_work', 'in_education', 'job_seeking', 'other'))", name=op.f('ck_esf_participant_exit_result')),
    sa.CheckConstraint("gender IN ('man', 'vrouw', 'x')", name=op.f('ck_esf_participant_gender')),
    sa.CheckConstraint("isced IN ('0', '1', '2', '3', '4', '5', '6', '7', '8')", name=op.f('ck_esf_participant_isced')),
    sa.CheckConstraint("labour_status IN ('unemployed', 'long_term_unemployed', 'inactive')", name=op.f('ck_esf_participant_labour_status')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_esf_participant_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_esf_participant_trajectory_id_trajectory')),
    sa.PrimaryKeyConstraint('trajectory_id', name=op.f('pk_esf_participant'))
    )
    op.create_table('ladder_measurement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trajectory_id', sa.Integer(), nullable=False),
    sa.Column('rung', sa.Integer(), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('at_intake', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('proposed_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', portal.models.types.UTCDateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(status = 'proposed') = (decided_at IS NULL)", name=op.f('ck_ladder_measurement_decided_when_not_proposed')),
    sa.CheckConstraint("status IN ('proposed', 'confirmed', 'rejected')", name=op.f('ck_ladder_measurement_status')),
    sa.CheckConstraint('rung BETWEEN 1 AND 6', name=op.f('ck_ladder_measurement_rung')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_ladder_measurement_decided_by_id_user')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user.id'], name=op.f('fk_ladder_measurement_proposed_by_id_user')),
    sa.ForeignKeyConstraint(['trajectory_id'], ['trajectory.id'], name=op.f('fk_ladder_measurement_trajectory_id_trajectory')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ladder_measurement'))
    )
    with op.batch_alter_table('ladder_measurement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ladder_measurement_trajectory_id'), ['trajectory_id'], unique=False)
        batch_op.create_index('uq_ladder_measurement_intake', ['trajectory_id'], unique=True, sqlite_where=sa.text("status = 'confirmed' AND at_intake"), postgresql_where=sa.text("status = 'confirmed' AND at_intake"))

    op.create_table('placement_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('hours_per_week', portal.models.types.ExactDecimal(5, 2), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', portal.models.types.UTCDateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind <> 'fewer_hours' OR hours_per_week IS NOT NULL", name=op.f('ck_placement_change_hours_when_fewer')),
    sa.CheckConstraint("kind IN ('ended_early', 'fewer_hours', 'benefit_resumed')", name=op.f('ck_placement_change_kind')),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_placement_change_placement_id_placement')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_placement_change_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_change'))
    )
    with op.batch_alter_table('placement_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_change_placement_id'), ['placement_id'], unique=False)

    op.create_table('participation_step',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('intake_id', sa.Integer(), nullable=False),
    sa.Column('reached_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('intake_id <> reached_id', name=op.f('ck_participation_step_two_measurements')),
    sa.ForeignKeyConstraint(['claim_id'], ['milestone_claim.id'], name=op.f('fk_participation_step_claim_id_milestone_claim')),
    sa.ForeignKeyConstraint(['intake_id'], ['ladder_measurement.id'], name=op.f('fk_participation_step_intake_id_ladder_measurement')),
    sa.ForeignKeyConstraint(['reached_id'], ['ladder_measurement.id'], name=op.f('fk_participation_step_reached_id_ladder_measurement')),
    sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_participation_step'))
    )

    _client_checks(TARGET_GROUPS, BENEFITS + ('nug',))
    # The undated facts become facts that hold from birth; recorded now, by nobody (the migration).
    since = f"COALESCE(birth_date, DATE '{UNDATED}')" if op.get_bind().dialect.name == 'postgresql' \
        else f"COALESCE(birth_date, '{UNDATED}')"
    op.execute(f"INSERT INTO client_fact (client_id, kind, value, valid_from, member, recorded_at) "
               f"SELECT id, 'target_group', target_group, {since}, TRUE, created_at FROM client "
               f"WHERE target_group IS NOT NULL")
    op.execute(f"INSERT INTO client_fact (client_id, kind, value, valid_from, member, recorded_at) "
               f"SELECT id, 'target_group', 'nug', {since}, TRUE, created_at FROM client "
               f"WHERE benefit = 'nug' AND (target_group IS NULL OR target_group <> 'nug')")
    op.execute("UPDATE client SET benefit = 'none' WHERE benefit = 'nug'")
    op.execute(f"INSERT INTO client_fact (client_id, kind, value, valid_from, member, recorded_at) "
               f"SELECT id, 'benefit', benefit, {since}, TRUE, created_at FROM client WHERE benefit IS NOT NULL")
    _client_checks(TARGET_GROUPS, BENEFITS)


def downgrade() -> None:
    # Back to one undated value: a benefit "none" of a nug client is "nug" again; newer values are lost.
    _client_checks(TARGET_GROUPS, BENEFITS + ('nug',))
    op.execute("UPDATE client SET benefit = 'nug' WHERE benefit = 'none' AND id IN "
               "(SELECT client_id FROM client_fact WHERE kind = 'target_group' AND value = 'nug')")
    op.execute("UPDATE client SET benefit = NULL WHERE benefit NOT IN "
               f"({', '.join(repr(v) for v in OLD_BENEFITS)})")
    op.execute("UPDATE client SET target_group = 'overig' WHERE target_group NOT IN "
               f"({', '.join(repr(v) for v in OLD_TARGET_GROUPS)})")
    _client_checks(OLD_TARGET_GROUPS, OLD_BENEFITS)

    op.drop_table('participation_step')
    with op.batch_alter_table('placement_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_change_placement_id'))
    op.drop_table('placement_change')
    with op.batch_alter_table('ladder_measurement', schema=None) as batch_op:
        batch_op.drop_index('uq_ladder_measurement_intake', sqlite_where=sa.text(CONFIRMED_INTAKE),
                            postgresql_where=sa.text(CONFIRMED_INTAKE))
        batch_op.drop_index(batch_op.f('ix_ladder_measurement_trajectory_id'))
    op.drop_table('ladder_measurement')
    op.drop_table('esf_participant')
    with op.batch_alter_table('activation_result', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activation_result_trajectory_id'))
    op.drop_table('activation_result')
    with op.batch_alter_table('client_fact', schema=None) as batch_op:
        batch_op.drop_index('ix_client_fact_client_kind_valid_from')
    op.drop_table('client_fact')
    op.drop_table('durable_outflow_terms')
    op.drop_table('client_profile')
