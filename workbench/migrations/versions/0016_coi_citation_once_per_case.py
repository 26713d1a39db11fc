"""COI citations: a passage is cited at most once in a case

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

A partial unique index on ``coi_citation (application_id, passage_id)`` over the citations
in force (``removed_at IS NULL``), on SQLite and PostgreSQL alike: a passage cannot be cited
twice in a case, while a citation that was removed stays in the record and the passage can
be cited again.

Citations already repeated are merged first. In each case, the earliest citation of a passage
(by time, then id) is kept; each later one is marked removed (it stays in the record, with the
reason saying which citation it repeated), and the credibility ratings, the decisions still
being drafted and the counsellors' opinions not yet submitted that name it name the kept one
instead. A final decision and a submitted opinion are never rewritten: they keep naming the
citation they were made with, which still reads the same. Each merge is written to the audit
log. Downgrade drops the index; the merged citations stay removed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

INDEX = "uq_coi_citation_live"
WHERE = "removed_at IS NULL"
REASON = "Merged by migration 0016: the same passage was already cited in this case " \
         "(citation {kept})."


def _ids(value: object) -> list[int]:
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return [int(v) for v in (value or [])]


def _remap(bind: sa.Connection, table: str, where: str, merged: dict[int, int]) -> None:
    rows = bind.execute(sa.text(f"SELECT id, citation_ids FROM {table} WHERE {where}")).all()
    for row_id, raw in rows:
        ids = _ids(raw)
        if not any(i in merged for i in ids):
            continue
        mapped = list(dict.fromkeys(merged.get(i, i) for i in ids))
        bind.execute(sa.text(f"UPDATE {table} SET citation_ids = :ids WHERE id = :id")
                     .bindparams(sa.bindparam("ids", type_=sa.JSON())),
                     {"ids": mapped, "id": row_id})


def _merge_duplicates(bind: sa.Connection) -> None:
    rows = bind.execute(sa.text(
        "SELECT id, application_id, passage_id FROM coi_citation WHERE removed_at IS NULL "
        "ORDER BY application_id, passage_id, created_at, id")).all()
    kept: dict[tuple[int, int], int] = {}
    merged: dict[int, int] = {}
    for cid, application_id, passage_id in rows:
        first = kept.setdefault((application_id, passage_id), cid)
        if first != cid:
            merged[cid] = first
    if not merged:
        return
    from models.types import UTCDateTime

    now = datetime.now(UTC)
    mark = sa.text("UPDATE coi_citation SET removed_at = :now, removal_reason = :reason "
                   "WHERE id = :id").bindparams(sa.bindparam("now", type_=UTCDateTime()))
    for cid, first in merged.items():
        bind.execute(mark, {"now": now, "reason": REASON.format(kept=first), "id": cid})
    _remap(bind, "credibility_rating", "1 = 1", merged)
    _remap(bind, "decision", "status NOT IN ('FINAL', 'SUPERSEDED')", merged)
    _remap(bind, "counsellor_opinion", "submitted_at IS NULL", merged)

    from sqlmodel import Session

    from workbench.core import audit

    by_case = {cid: application_id for cid, application_id, _ in rows}
    passage = {cid: passage_id for cid, _, passage_id in rows}
    session = Session(bind=bind)
    for cid, first in sorted(merged.items()):
        audit.record(session, actor=None, username="migration 0016", action="coi.cite.merge",
                     entity_type="application", entity_id=by_case[cid],
                     details={"citation": cid, "kept": first, "passage": passage[cid]})
    session.flush()
    session.close()


def upgrade() -> None:
    bind = op.get_bind()
    _merge_duplicates(bind)
    op.create_index(INDEX, "coi_citation", ["application_id", "passage_id"], unique=True,
                    sqlite_where=sa.text(WHERE), postgresql_where=sa.text(WHERE))


def downgrade() -> None:
    op.drop_index(INDEX, table_name="coi_citation")
