"""COI library: sources, documents and editions, passages with their full-text index, citations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

The full-text index is kept by the database itself, so it can never drift from the passages:
on SQLite an external-content FTS5 table fed by triggers, on PostgreSQL two generated tsvector
columns with GIN indexes. Both index ``index_text`` (the passage in ``coi.cjk`` token form)
and ``facet_terms`` (one token per facet value).
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coi_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('short_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('mandate', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('coi_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coi_source_key'), ['key'], unique=True)

    op.create_table('coi_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('doc_type', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
    sa.Column('source_url', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=True),
    sa.Column('passage_count', sa.Integer(), nullable=False),
    sa.Column('series_key', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('edition', sa.Integer(), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('superseded_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('metadata_notes', sa.Text(), nullable=False),
    sa.Column('ingested_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ingested_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ingested_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['coi_source.id'], ),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['coi_document.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    with op.batch_alter_table('coi_document', schema=None) as batch_op:
        batch_op.create_index('ix_coi_document_ingested', ['ingested_at'], unique=False)
        batch_op.create_index('ix_coi_document_published', ['published_on'], unique=False)
        batch_op.create_index('ix_coi_document_series', ['series_key', 'published_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_coi_document_superseded_by_id'), ['superseded_by_id'], unique=False)

    op.create_table('coi_document_country',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=3), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['coi_document.id'], ),
    sa.PrimaryKeyConstraint('document_id', 'country')
    )
    with op.batch_alter_table('coi_document_country', schema=None) as batch_op:
        batch_op.create_index('ix_coi_document_country_country', ['country', 'document_id'], unique=False)

    op.create_table('coi_passage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('paragraph', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('section', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('index_text', sa.Text(), nullable=False),
    sa.Column('topics', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('facet_terms', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['coi_document.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_id', 'paragraph', name='uq_coi_passage_place')
    )

    op.create_table('coi_term_stat',
    sa.Column('term', sa.String(length=200), nullable=False),
    sa.Column('df', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('term')
    )

    op.create_table('coi_citation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('passage_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('finding', sa.Text(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('accessed_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('removed_by_id', sa.Integer(), nullable=True),
    sa.Column('removal_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['coi_document.id'], ),
    sa.ForeignKeyConstraint(['passage_id'], ['coi_passage.id'], ),
    sa.ForeignKeyConstraint(['removed_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('coi_citation', schema=None) as batch_op:
        batch_op.create_index('ix_coi_citation_case', ['application_id', 'removed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_coi_citation_passage_id'), ['passage_id'], unique=False)

    create_search_index()


def downgrade() -> None:
    drop_search_index()
    op.drop_table('coi_citation')
    op.drop_table('coi_term_stat')
    op.drop_table('coi_passage')
    op.drop_table('coi_document_country')
    op.drop_table('coi_document')
    op.drop_table('coi_source')


def create_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE coi_passage_fts USING fts5("
            "index_text, facet_terms, content='coi_passage', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 0', detail=full)"
        )
        # Rank by BM25 on the passage text alone; facet tokens only filter.
        op.execute(
            "INSERT INTO coi_passage_fts(coi_passage_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0)')"
        )
        op.execute(
            "CREATE TRIGGER coi_passage_fts_insert AFTER INSERT ON coi_passage BEGIN "
            "INSERT INTO coi_passage_fts(rowid, index_text, facet_terms) "
            "VALUES (new.id, new.index_text, new.facet_terms); END"
        )
        op.execute(
            "CREATE TRIGGER coi_passage_fts_delete AFTER DELETE ON coi_passage BEGIN "
            "INSERT INTO coi_passage_fts(coi_passage_fts, rowid, index_text, facet_terms) "
            "VALUES ('delete', old.id, old.index_text, old.facet_terms); END"
        )
        op.execute(
            "CREATE TRIGGER coi_passage_fts_update AFTER UPDATE OF index_text, facet_terms "
            "ON coi_passage BEGIN "
            "INSERT INTO coi_passage_fts(coi_passage_fts, rowid, index_text, facet_terms) "
            "VALUES ('delete', old.id, old.index_text, old.facet_terms); "
            "INSERT INTO coi_passage_fts(rowid, index_text, facet_terms) "
            "VALUES (new.id, new.index_text, new.facet_terms); END"
        )
    else:
        op.execute(
            "ALTER TABLE coi_passage "
            "ADD COLUMN tsv_body tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple'::regconfig, index_text)) STORED, "
            "ADD COLUMN tsv_facets tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple'::regconfig, facet_terms)) STORED"
        )
        op.execute("CREATE INDEX ix_coi_passage_tsv_body ON coi_passage USING gin (tsv_body)")
        op.execute("CREATE INDEX ix_coi_passage_tsv_facets ON coi_passage USING gin (tsv_facets)")


def drop_search_index() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS coi_passage_fts_{name}")
        op.execute("DROP TABLE IF EXISTS coi_passage_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_coi_passage_tsv_facets")
        op.execute("DROP INDEX IF EXISTS ix_coi_passage_tsv_body")
        op.execute("ALTER TABLE coi_passage DROP COLUMN IF EXISTS tsv_facets, "
                   "DROP COLUMN IF EXISTS tsv_body")
