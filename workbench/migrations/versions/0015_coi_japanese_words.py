"""COI Japanese words: re-index Japanese passages with Sudachi words beside the bigrams

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

Japanese text in a passage's search index text now keeps its character bigrams in place and
adds, after its words, each Japanese word in Sudachi's normalised form (marked) and the
reading of each word written with kanji (``coi.cjk``, method ``both``, chosen on the judged
set of ``benchmarks/bench_ja_search.py``). Both search indexes are built from
``coi_passage.index_text`` (the FTS5 table by trigger, the PostgreSQL tsvector as a generated
column), so rewriting that column re-indexes both; only passages with CJK text change, and the
token counts in ``coi_term_stat`` are recounted from the new text. Downgrade writes the
bigram-only form back.
"""

from collections import Counter

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_BATCH = 2000


def _reindex(method: str) -> None:
    from coi.cjk import has_cjk, index_form, using_ja_method

    bind = op.get_bind()
    counts: Counter[str] = Counter()
    last = 0
    with using_ja_method(method):
        while True:
            rows = bind.execute(sa.text(
                "SELECT p.id, p.text, p.index_text, d.language FROM coi_passage p "
                "JOIN coi_document d ON d.id = p.document_id "
                "WHERE p.id > :last ORDER BY p.id LIMIT :n"),
                {"last": last, "n": _BATCH}).all()
            if not rows:
                break
            updates = []
            for pid, text, old, language in rows:
                form = index_form(text, stems=language == "en") if has_cjk(text) else old
                counts.update({t for t in form.split() if len(t) <= 200})
                if form != old:
                    updates.append({"i": pid, "t": form})
            if updates:
                bind.execute(sa.text("UPDATE coi_passage SET index_text = :t WHERE id = :i"),
                             updates)
            last = rows[-1][0]
    bind.execute(sa.text("DELETE FROM coi_term_stat"))
    items = [{"term": t, "df": n} for t, n in sorted(counts.items())]
    for start in range(0, len(items), 5000):
        bind.execute(sa.text("INSERT INTO coi_term_stat (term, df) VALUES (:term, :df)"),
                     items[start:start + 5000])


def upgrade() -> None:
    _reindex("both")


def downgrade() -> None:
    _reindex("bigrams")
