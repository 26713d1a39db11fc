"""What every command group of the ``workbench`` command line shares: domain errors shown as
one plain line (exit 1, never a traceback), the console on standard error, and the engine of
the configured database once its schema is known to be current.

Imports the core only; each stage keeps its own commands beside it (``workbench/*/cli.py``).
"""

from __future__ import annotations

import sys

import click
from rich.console import Console

from workbench.core.errors import WorkbenchError

console = Console(stderr=True)


def migrated():  # noqa: ANN201
    """The configured database's engine (imported late: the command line starts fast)."""
    from workbench.core.db import migrated_engine

    return migrated_engine()


class Group(click.Group):
    """Shows domain errors as one plain line and exits 1, never a traceback."""

    def invoke(self, ctx: click.Context):  # noqa: ANN201
        try:
            return super().invoke(ctx)
        except WorkbenchError as exc:
            console.print(f"[red]Error:[/red] {exc}")
            sys.exit(1)


__all__ = ["Group", "console", "migrated"]
