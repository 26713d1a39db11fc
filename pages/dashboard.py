"""Managers' dashboard: backlog, processing times, flows and outcomes, workload."""

from workbench.ui.core.session import require_actor
from workbench.ui.reporting.dashboard import render

render(require_actor())
