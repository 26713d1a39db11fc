"""Managers' dashboard: backlog, processing times, flows and outcomes, workload."""

from workbench.ui.dashboard import render
from workbench.ui.session import require_actor

render(require_actor())
