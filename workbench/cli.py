"""The ``workbench`` command line: the core's commands (database, users, audit log, backup,
restore, the web server) and the command group each stage keeps beside it (demo, coi, triage,
forecast)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from workbench.core.actor import Actor
from workbench.core.cli import Group as _Group
from workbench.core.cli import console
from workbench.core.cli import migrated as _engine


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


from workbench.demo.cli import demo_group  # noqa: E402
from workbench.intake.cli import triage_group  # noqa: E402
from workbench.library.cli import coi_group  # noqa: E402

main.add_command(demo_group)
main.add_command(coi_group)
main.add_command(triage_group)

from workbench.reporting.forecast.cli import forecast_group  # noqa: E402

main.add_command(forecast_group)
