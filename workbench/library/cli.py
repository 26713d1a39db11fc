"""``workbench coi …``: ingesting files into the COI library, searching it, its sources."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from workbench.core.actor import Actor
from workbench.core.cli import Group as _Group
from workbench.core.cli import console
from workbench.core.cli import migrated as _engine


@click.group("coi", cls=_Group)
def coi_group() -> None:
    """Country-of-origin information library."""


def _date_option(value):  # noqa: ANN001, ANN202
    return value.date() if value else None


def _country_codes(names: tuple[str, ...]) -> tuple[str, ...]:
    """ISO codes for country names, codes or demonyms typed on the command line."""
    from coi.gazetteer import lookup

    codes = []
    for name in names:
        found = lookup(name)
        if found is None:
            raise click.UsageError(f"Unknown country: {name}")
        codes.append(found.code)
    return tuple(codes)


@coi_group.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--country", "countries", multiple=True,
              help="Country the documents are about (name or ISO code; repeatable).")
@click.option("--source", "source_key", default=None, help="Source key from the registry.")
@click.option("--date", "published", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Publication date (YYYY-MM-DD), when the documents do not state it.")
@click.option("--title", default=None, help="Title (for a single file).")
@click.option("--type", "doc_type", default=None, help="Document type.")
@click.option("--language", default=None, help="ISO 639-1 language code.")
@click.option("--url", default=None, help="Where the original was published.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Parallel extraction processes (default: one per CPU core).")
def coi_ingest(paths: tuple[Path, ...], countries: tuple[str, ...], source_key: str | None,
               published, title: str | None, doc_type: str | None,  # noqa: ANN001
               language: str | None, url: str | None, workers: int | None) -> None:
    """Add PDF, HTML and text files (or folders of them) to the COI library.

    Each file's outcome is reported; the command exits non-zero if any file failed,
    after ingesting the others."""
    from coi.filenames import shown_name
    from coi.ingest import DocumentFields
    from workbench.library.ingestion import ingest_files, iter_files

    files, refused = iter_files(paths)
    if title and len(files) > 1:
        raise click.UsageError("--title applies to a single file.")
    fields = DocumentFields(title=title, source_key=source_key, published=_date_option(published),
                            countries=_country_codes(countries) or None, language=language,
                            doc_type=doc_type, url=url)
    engine = _engine()
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("Ingesting", total=len(files))

        def show(outcome) -> None:  # noqa: ANN001
            colour = {"added": "green", "duplicate": "yellow"}.get(outcome.status, "red")
            progress.console.print(f"[{colour}]{outcome.status:9}[/{colour}] "
                                   f"{escape(outcome.path)}: {escape(outcome.message)}",
                                   soft_wrap=True)  # a long path is never broken mid-line

        def report(done: int, total: int, outcome) -> None:  # noqa: ANN001
            show(outcome)
            progress.update(task, completed=done)

        def swept(sweep) -> None:  # noqa: ANN001
            progress.console.print(
                f"File store: {len(sweep.removed)} file(s) left by an interrupted ingestion "
                f"removed, {len(sweep.kept)} kept for their committed documents.")

        for outcome in refused:
            show(outcome)
        outcomes = ingest_files(engine, actor=Actor.system("coi-ingest"), paths=files,
                                fields=fields, display_names=[shown_name(str(f)) for f in files],
                                workers=workers, progress=report, swept=swept)
        outcomes = refused + outcomes
    added = sum(o.status == "added" for o in outcomes)
    duplicates = sum(o.status == "duplicate" for o in outcomes)
    failed = [o for o in outcomes if o.status == "failed"]
    console.print(f"{added} added, {duplicates} already in the library, {len(failed)} failed.")
    if failed:
        sys.exit(1)


@coi_group.command("search")
@click.argument("query", default="")
@click.option("--country", "countries", multiple=True, help="Documents about this country.")
@click.option("--not-country", "not_countries", multiple=True, help="Exclude this country.")
@click.option("--only", is_flag=True, help="Documents about the chosen country and no other.")
@click.option("--topic", "topics", multiple=True)
@click.option("--not-topic", "not_topics", multiple=True)
@click.option("--source", "sources", multiple=True)
@click.option("--not-source", "not_sources", multiple=True)
@click.option("--type", "doc_types", multiple=True)
@click.option("--language", "languages", multiple=True)
@click.option("--from", "published_from", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--to", "published_to", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--current", is_flag=True, help="Only current editions.")
@click.option("--sort", type=click.Choice(["relevance", "published", "added"]),
              default="relevance", show_default=True)
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
def coi_search(query: str, countries, not_countries, only: bool, topics, not_topics,  # noqa: ANN001
               sources, not_sources, doc_types, languages, published_from,  # noqa: ANN001
               published_to, current: bool, sort: str, limit: int, as_json: bool) -> None:
    """Search the COI library with the COI portals' query language."""
    from coi.search_request import FacetFilter, SearchRequest
    from coi.snippets import marked
    from workbench.core.db import unit_of_work
    from workbench.library.search import search

    request = SearchRequest(
        query=query, countries=FacetFilter(_country_codes(countries),
                                           _country_codes(not_countries)),
        country_only=only, topics=FacetFilter(tuple(topics), tuple(not_topics)),
        sources=FacetFilter(tuple(sources), tuple(not_sources)),
        doc_types=FacetFilter(tuple(doc_types)), languages=FacetFilter(tuple(languages)),
        published_from=_date_option(published_from), published_to=_date_option(published_to),
        current_only=current, sort=sort, limit=limit)
    with unit_of_work(_engine(), write=False) as session:
        result = search(session, actor=Actor.system("coi-search"), request=request,
                        with_facets=False)
    out = sys.stdout
    if as_json:
        for hit in result.hits:
            out.write(json.dumps({
                "document_id": hit.document_id, "passage_id": hit.passage_id,
                "title": hit.title, "source": hit.source,
                "date": hit.published_on.isoformat() if hit.published_on else None,
                "page": hit.page, "paragraph": hit.paragraph, "section": hit.section or None,
                "score": hit.score, "snippet": marked(list(hit.snippet)),
                "warnings": list(hit.warnings),
            }, ensure_ascii=False) + "\n")
        return
    more = "+" if result.total_capped else ""
    console.print(f"{result.total:,}{more} passages; showing {len(result.hits)}.")
    for number, hit in enumerate(result.hits, start=1):
        when = hit.published_on.isoformat() if hit.published_on else "undated"
        out.write(f"{number}. {hit.title} — {hit.source or 'unknown source'}, {when}, "
                  f"{hit.place} [document {hit.document_id}]\n")
        out.write("   " + marked(list(hit.snippet), "[", "]") + "\n")
        for warning in hit.warnings:
            out.write(f"   ! {warning}\n")


@coi_group.command("sources")
@click.argument("toml_file", required=False, type=click.Path(exists=True, path_type=Path))
def coi_sources(toml_file: Path | None) -> None:
    """List the source registry, or load sources from a TOML file."""
    from workbench.core.db import unit_of_work
    from workbench.library.sources import list_sources, load_sources_file

    engine = _engine()
    actor = Actor.system("coi-sources")
    if toml_file is not None:
        with unit_of_work(engine) as session:
            count = load_sources_file(session, actor=actor, path=toml_file)
        console.print(f"{count} sources created or updated.")
        return
    with unit_of_work(engine, write=False) as session:
        sources = list_sources(session, actor=actor)
    table = Table("key", "name", "kind", "documents", "reviewed")
    for src in sources:
        table.add_row(src.key, src.name, src.kind, str(src.documents),
                      src.reviewed_on.isoformat() if src.reviewed_on else "-")
    Console().print(table)
