"""COI word forms: re-index every passage with the stems of its English words

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

The search index text of a passage in English now ends with the Snowball stems of its
inflected words (``coi.cjk.index_form``), so that "returnee" finds "returnees". Both search
indexes are built from ``coi_passage.index_text`` (the FTS5 table by trigger, the PostgreSQL
tsvector as a generated column), so rewriting that column re-indexes both; the token counts
in ``coi_term_stat`` are recounted from the new text. Downgrade writes the plain form back.
"""

from collections import Counter

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

_BATCH = 2000


def _reindex(stems: bool) -> None:
    from coi.cjk import index_form

    bind = op.get_bind()
    counts: Counter[str] = Counter()
    last = 0
    while True:
        rows = bind.execute(sa.text(
            "SELECT p.id, p.text, d.language FROM coi_passage p "
            "JOIN coi_document d ON d.id = p.document_id "
            "WHERE p.id > :last ORDER BY p.id LIMIT :n"), {"last": last, "n": _BATCH}).all()
        if not rows:
            break
        updates = []
        for pid, text, language in rows:
            form = index_form(text, stems=stems and language == "en")
            counts.update({t for t in form.split() if len(t) <= 200})
            updates.append({"i": pid, "t": form})
        bind.execute(sa.text("UPDATE coi_passage SET index_text = :t WHERE id = :i"), updates)
        last = rows[-1][0]
    bind.execute(sa.text("DELETE FROM coi_term_stat"))
    items = [{"term": t, "df": n} for t, n in sorted(counts.items())]
    for start in range(0, len(items), 5000):
        bind.execute(sa.text("INSERT INTO coi_term_stat (term, df) VALUES (:term, :df)"),
                     items[start:start + 5000])


def upgrade() -> None:
    _reindex(stems=True)


def downgrade() -> None:
    _reindex(stems=False)
