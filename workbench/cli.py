"""The ``workbench`` command line."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from workbench.actor import Actor
from workbench.errors import WorkbenchError

console = Console(stderr=True)


def _engine():  # noqa: ANN202
    from workbench.db import ensure_migrated, get_engine

    engine = get_engine()
    ensure_migrated(engine)
    return engine


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
    from workbench.db import current_revision, get_engine, upgrade
    from workbench.settings import get_settings

    url = get_settings().resolved_database_url
    upgrade(url, revision)
    console.print(f"Database at revision {current_revision(get_engine())}.")


@db.command("check")
def db_check() -> None:
    """Exit non-zero unless the database is at the latest migration."""
    _engine()
    console.print("Database schema is up to date.")


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
    from workbench.db import unit_of_work
    from workbench.demo import load_demo

    engine = _engine()
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
    from workbench.auth import create_user
    from workbench.db import unit_of_work

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with unit_of_work(_engine()) as session:
        user = create_user(session, actor=Actor.system("cli"), data={
            "username": username, "display_name": display_name, "role": role,
            "office": office, "expertise": expertise, "password": password})
    console.print(f"Created {user.username} ({user.role}).")


@users.command("list")
@click.option("--json", "as_json", is_flag=True)
def users_list(as_json: bool) -> None:
    """List accounts."""
    from workbench.auth import list_users
    from workbench.db import unit_of_work

    with unit_of_work(_engine()) as session:
        rows = list_users(session, actor=Actor.system("cli"))
    if as_json:
        click.echo(json.dumps([u.model_dump(mode="json") for u in rows], indent=2))
        return
    table = Table()
    for col in ("id", "user name", "name", "role", "office", "active", "locked until"):
        table.add_column(col)
    for u in rows:
        table.add_row(str(u.id), u.username, u.display_name, str(u.role), u.office or "",
                      "yes" if u.is_active else "no",
                      u.locked_until.isoformat(timespec="minutes") if u.locked_until else "")
    Console().print(table)


@users.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """Disable an account (it can no longer sign in; its history stays)."""
    from workbench.auth import set_active
    from workbench.db import unit_of_work

    with unit_of_work(_engine()) as session:
        set_active(session, actor=Actor.system("cli"), username=username, active=False)
    console.print(f"Disabled {username}.")


@users.command("enable")
@click.argument("username")
def users_enable(username: str) -> None:
    """Enable a disabled account."""
    from workbench.auth import set_active
    from workbench.db import unit_of_work

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
    from workbench import audit as audit_log
    from workbench.db import unit_of_work

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


@main.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_cmd(path: Path) -> None:
    """Copy the SQLite database to PATH while the app keeps running."""
    from workbench.backup import backup

    report = backup(_engine(), path, actor=Actor.system("cli"))
    click.echo(f"Backup written to {report.path} ({report.bytes:,} bytes); "
               f"integrity {report.integrity}; {report.chain.message()}")


@main.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_cmd(path: Path, yes: bool) -> None:
    """Replace the database with the backup at PATH (stop the app first)."""
    from workbench.backup import restore
    from workbench.db import get_engine

    if not yes:
        click.confirm("This replaces every record in the database with the backup. Continue?",
                      abort=True)
    report = restore(get_engine(), path, actor=Actor.system("cli"))
    click.echo(f"Restored from {path}; integrity {report.integrity}; {report.chain.message()}")


# --- serve ----------------------------------------------------------------------------------


@main.command("serve")
@click.option("--host", default="localhost", show_default=True)
@click.option("--port", default=8501, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Start the Streamlit app."""
    _engine()
    app = Path(__file__).with_name("app.py")
    os.execvp(sys.executable, [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
        "--client.showErrorDetails", "none", "--browser.gatherUsageStats", "false",
    ])


