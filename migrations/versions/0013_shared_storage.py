"""several nodes: evidence files in the database (issue 11)

`stored_blob` holds the bytes of the files the application keeps (evidence, under its SHA-256),
so every app node reads the same files and one database backup holds everything. A row is
written once: a trigger refuses any UPDATE (a DELETE stays possible for the storage's `delete`).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'stored_blob',
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('size >= 0', name=op.f('ck_stored_blob_size')),
        sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_stored_blob_sha256_length')),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_blob')),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Large files are read in slices (substring); keep them uncompressed so a slice does not decompress it all.
        op.execute("ALTER TABLE stored_blob ALTER COLUMN data SET STORAGE EXTERNAL")
        op.execute("CREATE TRIGGER stored_blob_write_once BEFORE UPDATE ON stored_blob "
                   "FOR EACH ROW EXECUTE FUNCTION refuse_change()")
    else:
        op.execute("CREATE TRIGGER stored_blob_write_once BEFORE UPDATE ON stored_blob "
                   "BEGIN SELECT RAISE(ABORT, 'stored_blob is written once'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER stored_blob_write_once ON stored_blob")
    else:
        op.execute("DROP TRIGGER stored_blob_write_once")
    op.drop_table('stored_blob')
