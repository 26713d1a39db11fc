"""Country-of-origin information: sources, documents and their editions, passages, citations.

A document is one file as published (the library keeps its own copy, named by its sha256).
Editions of the same report share a ``series_key``; the newest is current and the others
point to it through ``superseded_by_id``. Passages are never deleted or rewritten once cited,
so a citation stays traceable after its document is superseded; each citation also keeps the
quoted text and the formatted reference as they stood when the passage was cited.

Search columns: ``index_text`` is the passage in the normalised token form of ``coi.cjk``
and ``facet_terms`` holds one token per facet value (``coi.facets``). The full-text index of
each database (an FTS5 table on SQLite, generated tsvector columns on PostgreSQL) is built from
those two columns by the database itself, so it changes in the same transaction as the rows.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class CoiSource(SQLModel, table=True):
    """A publisher of COI, described (mandate, kind, method), never scored."""

    __tablename__ = "coi_source"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=32, unique=True, index=True)
    name: str = Field(max_length=200)
    short_name: str = Field(max_length=40)
    kind: str = Field(max_length=24)
    mandate: str = Field(default="", sa_type=Text)
    description: str = Field(default="", sa_type=Text)
    url: str | None = Field(default=None, max_length=500)
    reviewed_on: date | None = None
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CoiDocument(SQLModel, table=True):
    __tablename__ = "coi_document"
    __table_args__ = (
        Index("ix_coi_document_series", "series_key", "published_on"),
        Index("ix_coi_document_published", "published_on"),
        Index("ix_coi_document_ingested", "ingested_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    source_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("coi_source.id"), nullable=True)
    )
    title: str = Field(max_length=500)
    published_on: date | None = None
    language: str = Field(default="en", max_length=8)
    doc_type: str | None = Field(default=None, max_length=24)
    source_url: str | None = Field(default=None, max_length=1000)
    file_name: str = Field(max_length=255)
    media_type: str = Field(max_length=8)  # pdf | html | text
    size_bytes: int
    page_count: int | None = None
    passage_count: int = 0
    #: Editions of one report share this key (source, title without years, countries).
    series_key: str = Field(max_length=300)
    edition: int = 1
    superseded_by_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("coi_document.id"), nullable=True, index=True),
    )
    superseded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Why each metadata value is what it is ("date stated on the first page", "edited by ...").
    metadata_notes: str = Field(default="{}", sa_type=Text)
    ingested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ingested_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user.id"), nullable=True)
    )
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CoiDocumentCountry(SQLModel, table=True):
    __tablename__ = "coi_document_country"
    __table_args__ = (Index("ix_coi_document_country_country", "country", "document_id"),)

    document_id: int = Field(
        sa_column=Column(Integer, ForeignKey("coi_document.id"), primary_key=True)
    )
    country: str = Field(sa_column=Column(String(3), primary_key=True))
    is_primary: bool = False


class CoiPassage(SQLModel, table=True):
    __tablename__ = "coi_passage"
    __table_args__ = (UniqueConstraint("document_id", "paragraph", name="uq_coi_passage_place"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=Column(Integer, ForeignKey("coi_document.id"),
                                              nullable=False))
    paragraph: int
    page: int | None = None
    #: Headings the passage sits under, outermost first, joined by " › ".
    section: str = Field(default="", sa_type=Text)
    text: str = Field(sa_type=Text)
    index_text: str = Field(sa_type=Text)
    topics: str = Field(default="", max_length=400)  # space-separated topic codes
    facet_terms: str = Field(default="", sa_type=Text)


class CoiTermStat(SQLModel, table=True):
    """How many passages contain each index token: the document frequencies BM25 needs,
    kept by ingestion so that ranking a small set of matches never scans a whole posting
    list (SQLite's FTS5 counts them by reading every posting of every query word)."""

    __tablename__ = "coi_term_stat"

    term: str = Field(sa_column=Column(String(200), primary_key=True))
    df: int = 0


class CoiCitation(SQLModel, table=True):
    """A passage cited for a case: in a finding, an interview answer or a decision.

    A passage is cited at most once in a case: the database refuses a second citation in
    force of the same passage (a partial unique index over the citations not removed, so a
    removed citation stays in the record and the passage can be cited again)."""

    __tablename__ = "coi_citation"
    __table_args__ = (
        Index("ix_coi_citation_case", "application_id", "removed_at"),
        Index("uq_coi_citation_live", "application_id", "passage_id", unique=True,
              sqlite_where=text("removed_at IS NULL"),
              postgresql_where=text("removed_at IS NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(sa_column=Column(Integer, ForeignKey("application.id"),
                                                 nullable=False))
    passage_id: int = Field(sa_column=Column(Integer, ForeignKey("coi_passage.id"),
                                             nullable=False, index=True))
    document_id: int = Field(sa_column=Column(Integer, ForeignKey("coi_document.id"),
                                              nullable=False))
    purpose: str = Field(default="finding", max_length=16)  # finding | interview | decision
    #: What the passage is cited for, in the caseworker's words.
    finding: str = Field(default="", sa_type=Text)
    quote: str = Field(sa_type=Text)
    reference: str = Field(sa_type=Text)
    accessed_on: date
    created_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user.id"), nullable=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    removed_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("user.id"), nullable=True)
    )
    removal_reason: str | None = Field(default=None, sa_type=Text)
