"""results cache: a per-contract data version kept by triggers, and computed results per (contract, date)

The database, not the application, keeps `contract_data_version`: an AFTER INSERT/UPDATE/DELETE
trigger on every table in `VERSIONED_TABLES` bumps the version of each contract the changed row
(old and new) feeds. `results_cache` rows are served only while their version equals it.

To let another table feed the cache's validity (e.g. `fact_version` of the history work, created
by 0004), add ONE line to `VERSIONED_TABLES`: (table, a SELECT returning the contract ids a row
feeds as `contract_id`, with `{row}` for OLD/NEW). A table created after 0009 needs a migration
that runs `create_version_triggers` / `drop_version_triggers` (below) for its line.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

#: (table, SELECT of the contract ids a row of it feeds; `{row}` is OLD or NEW). One line per table.
VERSIONED_TABLES: tuple[tuple[str, str], ...] = (
    ("contract", "SELECT {row}.id AS contract_id"),
    ("tranche", "SELECT {row}.contract_id AS contract_id"),
    ("staffel_step", "SELECT {row}.contract_id AS contract_id"),
    ("excluded_end_reason", "SELECT {row}.contract_id AS contract_id"),
    ("funding_share", "SELECT {row}.contract_id AS contract_id"),
    ("municipality_cap", "SELECT {row}.contract_id AS contract_id"),
    ("contract_terms_version", "SELECT {row}.contract_id AS contract_id"),
    ("trajectory", "SELECT {row}.contract_id AS contract_id"),
    ("milestone_claim", "SELECT t.contract_id AS contract_id FROM trajectory t WHERE t.id = {row}.trajectory_id"),
    ("review", "SELECT t.contract_id AS contract_id FROM milestone_claim c JOIN trajectory t "
               "ON t.id = c.trajectory_id WHERE c.id = {row}.claim_id"),
    ("client", "SELECT t.contract_id AS contract_id FROM trajectory t WHERE t.client_id = {row}.id"),
    ("client_fact", "SELECT t.contract_id AS contract_id FROM trajectory t WHERE t.client_id = {row}.client_id"),
    # Once the history work's fact_version (0004) is merged:
    # ("fact_version", "SELECT t.contract_id AS contract_id FROM trajectory t WHERE t.id = {row}.trajectory_id "
    #                  "UNION SELECT t.contract_id FROM milestone_claim c JOIN trajectory t "
    #                  "ON t.id = c.trajectory_id WHERE c.id = {row}.claim_id"),
)


def upgrade() -> None:
    op.create_table(
        'contract_data_version',
        sa.Column('contract_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('contract_id', name='pk_contract_data_version'),
    )
    op.create_table(
        'results_cache',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contract_id', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_results_cache'),
        sa.UniqueConstraint('contract_id', 'as_of', name='uq_results_cache_contract_id_as_of'),
    )
    create_version_triggers(VERSIONED_TABLES)


def downgrade() -> None:
    drop_version_triggers(VERSIONED_TABLES)
    op.drop_table('results_cache')
    op.drop_table('contract_data_version')


def _ids(select: str, row: str, extra: str = "") -> str:
    return (f"SELECT DISTINCT s.contract_id{extra} FROM ({select.format(row=row)}) AS s "
            f"WHERE s.contract_id IS NOT NULL")


def create_version_triggers(tables) -> None:
    """Create the triggers that bump `contract_data_version` for these (table, select) lines."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, select in tables:
        if postgres:
            _create_postgres_triggers(table, select)
            continue
        # SQLite: row triggers (its rows are updated in place, so bumping a version row per row is cheap).
        for verb, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            body = []
            for row in rows:
                ids = _ids(select, row)
                body.append(
                    f"INSERT INTO contract_data_version (contract_id, version) "
                    f"SELECT i.contract_id, 0 FROM ({ids}) AS i WHERE NOT EXISTS "
                    f"(SELECT 1 FROM contract_data_version v WHERE v.contract_id = i.contract_id);")
                body.append(f"UPDATE contract_data_version SET version = version + 1 WHERE contract_id IN ({ids});")
            op.execute(f"CREATE TRIGGER {table}_data_version_{verb.lower()} AFTER {verb} ON {table} "
                       f"FOR EACH ROW BEGIN {' '.join(body)} END")


#: A transaction-local setting per contract marks "already bumped in this transaction" (PostgreSQL).
BUMPED = "portal.data_version_bumped_c"


def _create_postgres_triggers(table: str, select: str) -> None:
    # Statement triggers over transition tables, and each contract bumped at most once per transaction
    # (a transaction-local setting remembers it, undone with a rolled-back savepoint): a bulk insert of
    # thousands of rows would otherwise update one version row thousands of times, and PostgreSQL walks
    # every earlier version of that row on each update within the transaction (quadratic). The results
    # cache never stores what a transaction computed after it bumped that contract (portal.results.cache).
    def ids(rows: str) -> str:
        return (f"SELECT x.contract_id FROM {rows} AS r CROSS JOIN LATERAL ({select.format(row='r')}) AS x "
                f"WHERE x.contract_id IS NOT NULL")

    for verb, sources in (("insert", ("new_rows",)), ("update", ("old_rows", "new_rows")), ("delete", ("old_rows",))):
        union = " UNION ".join(ids(rows) for rows in sources)
        referencing = " ".join(f"{'OLD' if rows == 'old_rows' else 'NEW'} TABLE AS {rows}" for rows in sources)
        op.execute(f"""
            CREATE FUNCTION bump_data_version_{table}_{verb}() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE cid integer;
            BEGIN
                FOR cid IN SELECT DISTINCT c.contract_id FROM ({union}) AS c ORDER BY 1 LOOP
                    IF current_setting('{BUMPED}' || cid, true) IS DISTINCT FROM '1' THEN
                        INSERT INTO contract_data_version (contract_id, version) VALUES (cid, 1)
                        ON CONFLICT (contract_id) DO UPDATE SET version = contract_data_version.version + 1;
                        PERFORM set_config('{BUMPED}' || cid, '1', true);
                    END IF;
                END LOOP;
                RETURN NULL;
            END $$""")
        op.execute(f"CREATE TRIGGER {table}_data_version_{verb} AFTER {verb.upper()} ON {table} "
                   f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version_{table}_{verb}()")


def drop_version_triggers(tables) -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, _select in tables:
        for verb in ("insert", "update", "delete"):
            if postgres:
                op.execute(f"DROP TRIGGER {table}_data_version_{verb} ON {table}")
                op.execute(f"DROP FUNCTION bump_data_version_{table}_{verb}()")
            else:
                op.execute(f"DROP TRIGGER {table}_data_version_{verb}")
