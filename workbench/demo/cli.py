"""``workbench demo …``: the demo caseload, its accounts and its sample COI library."""

from __future__ import annotations

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from workbench.core.cli import Group as _Group
from workbench.core.cli import console
from workbench.core.cli import migrated as _engine


@click.group("demo", cls=_Group)
def demo_group() -> None:
    """Demo data."""


@demo_group.command("load")
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


@demo_group.command("accounts")
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
