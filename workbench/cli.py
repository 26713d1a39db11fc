"""The ``workbench`` command line."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from workbench.core.actor import Actor
from workbench.core.errors import WorkbenchError

console = Console(stderr=True)



def _engine():  # noqa: ANN202
    from workbench.core.db import migrated_engine

    return migrated_engine()


class _Group(click.Group):
    """Shows domain errors as one plain line and exits 1, never a traceback."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            console.print(f"[red]Error:[/red] {exc}")
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(package_name="protection-workbench")
def main() -> None:
    """Refugee and complementary protection adjudication workbench."""


# --- db -------------------------------------------------------------------------------------


@main.group(cls=_Group)
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    from workbench.core.db import current_revision, get_engine, upgrade
    from workbench.core.settings import get_settings

    url = get_settings().resolved_database_url
    upgrade(url, revision)
    console.print(f"Database at revision {current_revision(get_engine())}.")


@db.command("check")
def db_check() -> None:
    """Exit non-zero unless the database is at the latest migration and its audit log is
    still append-only (the triggers that refuse UPDATE and DELETE are in place)."""
    from workbench.core.audit import missing_protections
    from workbench.core.db import unit_of_work

    with unit_of_work(_engine(), write=False) as session:
        missing = missing_protections(session)
    if missing:
        console.print("[red]Error:[/red] The audit log is not protected: missing "
                      + "; ".join(missing) + ". Anyone with database access can rewrite or "
                      "delete audit entries; restore the triggers (see migration 0001) and "
                      "run `workbench audit verify`.")
        sys.exit(1)
    console.print("Database schema is up to date. The audit log is append-only.")


# --- demo -----------------------------------------------------------------------------------


@main.group(cls=_Group)
def demo() -> None:
    """Demo data."""


@demo.command("load")
@click.option("--cases", default=3000, show_default=True, type=click.IntRange(1, 2_000_000))
@click.option("--seed", default=2024, show_default=True, type=int)
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Date the caseload is generated up to (default: today).")
@click.option("--if-empty", is_flag=True, help="Load only when the database has no cases.")
def demo_load(cases: int, seed: int, as_of, if_empty: bool) -> None:  # noqa: ANN001
    """Generate and load a realistic demo caseload, with demo accounts."""
    from sqlalchemy import func, select

    from models import Application
    from workbench.core.db import unit_of_work
    from workbench.demo import load_demo

    engine = _engine()
    _load_demo_coi(engine)
    if if_empty:
        with unit_of_work(engine, write=False) as session:
            existing = session.execute(select(func.count()).select_from(Application)).scalar_one()
        if existing:
            console.print(f"The database already holds {existing:,} cases; no demo data loaded.")
            return
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("Writing demo records", total=None)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = load_demo(engine, cases=cases, seed=seed,
                            as_of=as_of.date() if as_of else None, progress=report)
    console.print(
        f"Loaded {summary.cases:,} cases, {summary.persons:,} people and "
        f"{summary.events:,} status events in {summary.seconds:.1f} s."
    )
    _print_accounts()


def _load_demo_coi(engine) -> None:  # noqa: ANN001
    """Fill an empty COI library with the project's sample documents."""
    from workbench.demo.coi_samples import COI_DATA_DIR, load_coi_samples

    if not (COI_DATA_DIR / "manifest.toml").is_file():
        return
    outcomes = load_coi_samples(engine, if_empty=True)
    if outcomes:
        added = sum(o.status == "added" for o in outcomes)
        console.print(f"COI library: {added} sample documents added.")
        for outcome in outcomes:
            if outcome.status == "failed":
                console.print(f"[red]COI sample failed:[/red] {outcome.path}: {outcome.message}")


@demo.command("accounts")
def demo_accounts() -> None:
    """Create the demo accounts (idempotent) and list them."""
    from workbench.demo import ensure_demo_accounts

    ensure_demo_accounts(_engine())
    _print_accounts()


def _print_accounts() -> None:
    from workbench.demo import DEMO_ACCOUNTS

    table = Table(title="Demo accounts")
    for col in ("user name", "role", "password"):
        table.add_column(col)
    for account in DEMO_ACCOUNTS:
        table.add_row(account.username, str(account.role), account.password)
    console.print(table)


# --- users ----------------------------------------------------------------------------------


@main.group(cls=_Group)
def users() -> None:
    """User accounts."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["inquirer", "counsellor", "manager", "admin"]),
              required=True)
@click.option("--name", "display_name", required=True, help="Name shown in the workbench.")
@click.option("--office", default=None)
@click.option("--expertise", default=None)
@click.option("--password", envvar="WORKBENCH_NEW_PASSWORD", default=None,
              help="Read from WORKBENCH_NEW_PASSWORD or asked for when omitted.")
def users_add(username: str, role: str, display_name: str, office: str | None,
              expertise: str | None, password: str | None) -> None:
    """Create an account."""
    from workbench.core.auth import create_user, prepare_new_user
    from workbench.core.db import unit_of_work

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    new_user = prepare_new_user({  # the policy and the hash, before the transaction
        "username": username, "display_name": display_name, "role": role,
        "office": office, "expertise": expertise, "password": password})
    with unit_of_work(_engine()) as session:
        user = create_user(session, actor=Actor.system("cli"), data=new_user)
    console.print(f"Created {user.username} ({user.role}).")


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
def users_list(as_json: bool) -> None:
    """List accounts."""
    from workbench.core.auth import list_users
    from workbench.core.db import unit_of_work

    with unit_of_work(_engine()) as session:
        rows = list_users(session, actor=Actor.system("cli"))
    if as_json:
        click.echo(json.dumps([u.model_dump(mode="json") for u in rows], indent=2))
        return
    table = Table()
    for col in ("id", "user name", "name", "role", "office", "active"):
        table.add_column(col)
    for u in rows:
        table.add_row(str(u.id), u.username, u.display_name, str(u.role), u.office or "",
                      "yes" if u.is_active else "no")
    Console().print(table)


@users.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """Disable an account (it can no longer sign in; its history stays)."""
    from workbench.core.auth import set_active
    from workbench.core.db import unit_of_work

    with unit_of_work(_engine()) as session:
        set_active(session, actor=Actor.system("cli"), username=username, active=False)
    console.print(f"Disabled {username}.")


@users.command("enable")
@click.argument("username")
def users_enable(username: str) -> None:
    """Enable a disabled account."""
    from workbench.core.auth import set_active
    from workbench.core.db import unit_of_work

    with unit_of_work(_engine()) as session:
        set_active(session, actor=Actor.system("cli"), username=username, active=True)
    console.print(f"Enabled {username}.")


# --- audit ----------------------------------------------------------------------------------


@main.group(cls=_Group)
def audit() -> None:
    """Audit log."""


@audit.command("verify")
@click.option("--head", "head", default=None, metavar="SEQ:HASH",
              help="A head printed by an earlier verify; it must still be in the chain.")
def audit_verify(head: str | None) -> None:
    """Check the audit log's hash chain; names the first broken entry."""
    from workbench.core import audit as audit_log
    from workbench.core.db import unit_of_work

    anchor = None
    if head:
        seq, _, digest = head.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            raise click.BadParameter("use SEQ:HASH as printed by `workbench audit verify`",
                                     param_hint="--head")
        anchor = (int(seq), digest)
    with unit_of_work(_engine(), write=False) as session:
        report = audit_log.verify_chain(session, anchor=anchor)
    click.echo(report.message())
    if not report.ok:
        sys.exit(2)


# --- backup ---------------------------------------------------------------------------------


# --- coi ------------------------------------------------------------------------------------


@main.group(cls=_Group)
def coi() -> None:
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


@coi.command("ingest")
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
    from workbench.library.coi_library import ingest_files, iter_files

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


@coi.command("search")
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
    from coi.search import FacetFilter, SearchRequest
    from coi.snippets import marked
    from workbench.core.db import unit_of_work
    from workbench.library.coi_library import search

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


@coi.command("sources")
@click.argument("toml_file", required=False, type=click.Path(exists=True, path_type=Path))
def coi_sources(toml_file: Path | None) -> None:
    """List the source registry, or load sources from a TOML file."""
    from workbench.core.db import unit_of_work
    from workbench.library.coi_library import list_sources, load_sources_file

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


@main.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_cmd(path: Path) -> None:
    """Copy the SQLite database to PATH while the app keeps running."""
    from workbench.core.backup import backup

    report = backup(_engine(), path, actor=Actor.system("cli"))
    click.echo(f"Backup written to {report.path} ({report.bytes:,} bytes); "
               f"integrity {report.integrity}; {report.chain.message()}")


@main.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True,
              help="Restore even a backup that lacks audit entries of the live database "
                   "(they are erased; the restore's audit entry says which).")
def restore_cmd(path: Path, yes: bool, force: bool) -> None:
    """Replace the database with the backup at PATH (stop the app first)."""
    from workbench.core.backup import restore
    from workbench.core.db import get_engine

    if not yes:
        click.confirm("This replaces every record in the database with the backup. Continue?",
                      abort=True)
    report = restore(get_engine(), path, actor=Actor.system("cli"), force=force)
    click.echo(f"Restored from {path}; integrity {report.integrity}; {report.chain.message()}")


# --- serve ----------------------------------------------------------------------------------


@main.command("serve")
@click.option("--host", default="localhost", show_default=True)
@click.option("--port", default=8501, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Start the web server: the Streamlit app and its session-cookie routes."""
    _engine()
    app = Path(__file__).with_name("server.py")
    os.execvp(sys.executable, [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
        "--client.showErrorDetails", "none", "--browser.gatherUsageStats", "false",
    ])


from workbench.intake.cli import triage_group  # noqa: E402

main.add_command(triage_group)

from workbench.reporting.forecast.cli import forecast_group  # noqa: E402

main.add_command(forecast_group)
