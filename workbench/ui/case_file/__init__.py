"""Sections of the case file, in the order they appear.

A section is a function that renders one part of the file from the ``CaseFile`` read model.
Later capabilities (COI, triage, interviews, decisions) add their section to ``SECTIONS``
instead of growing the page script.

Imports ``ui.core`` and every stage's UI (the case file shows them all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models import Role
from workbench.core.actor import Actor
from workbench.intake.case_file import CaseFile


@dataclass(frozen=True)
class Section:
    key: str
    title_key: str
    render: Callable[[CaseFile, Actor], None]
    roles: frozenset[Role] = frozenset({Role.INQUIRER, Role.MANAGER, Role.COUNSELLOR})
    expanded: bool = True


def sections_for(actor: Actor) -> list[Section]:
    from workbench.ui.case_file import (
        actions,
        applications,
        claim,
        coi,
        examination,
        review,
        timeline,
        triage,
    )

    registry = [
        Section("claim", "section.claim", claim.render_claim),
        Section("circumstances", "section.circumstances", claim.render_circumstances),
        Section("applications", "section.applications", applications.render),
        Section("triage", "section.triage", triage.render,
                roles=frozenset({Role.INQUIRER, Role.MANAGER})),
        Section("coi", "coi.section", coi.render),
        Section("examination", "exam.section", examination.render,
                roles=frozenset({Role.INQUIRER, Role.MANAGER})),
        Section("review", "appeal.section", review.render),
        Section("timeline", "section.timeline", timeline.render),
        Section("actions", "section.actions", actions.render),
    ]
    return [s for s in registry if actor.role in s.roles]
