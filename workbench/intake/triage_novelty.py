"""What changed since the applicant's earlier application: each sentence of the claim marked
repeated, reworded or new against the earlier claims, by the triage engine's novelty
comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from workbench.core.actor import Actor
from workbench.core.permissions import Action
from workbench.core.settings import Settings, get_settings
from workbench.intake.triage_desk import _prepare, _triager
from workbench.intake.triage_views import _load_case


@dataclass(frozen=True)
class SentenceView:
    text: str
    start: int
    end: int
    status: str  # repeated | reworded | new
    similarity: float
    earlier_case_number: str | None
    earlier_text: str | None
    material: bool
    cue_types: tuple[str, ...]


@dataclass(frozen=True)
class NoveltyView:
    earlier_case_numbers: list[str]
    sentences: list[SentenceView]
    new_share: float | None


# --- what changed since the earlier application ----------------------------------------------


def novelty_for_case(session: Session, *, actor: Actor, application_id: int,
                     settings: Settings | None = None) -> NoveltyView | None:
    """Each sentence of the claim marked repeated, reworded or new against the applicant's
    earlier claims; None when there is no earlier claim on file."""
    settings = settings or get_settings()
    app = _load_case(session, actor, Action.TRIAGE_VIEW, application_id)
    prepared = _prepare(session, app)
    if not prepared.item.previous_narratives or not prepared.item.narrative.strip():
        return None
    item = prepared.item
    if item.application_number < 2:
        # The comparison runs only for repeat applications; one found through an identity
        # link is compared as the application it then is.
        from dataclasses import replace

        item = replace(item, application_number=len(item.previous_narratives) + 1)
    suggestion = _triager(session, settings).suggest(item)
    novelty = suggestion.novelty
    if novelty is None:
        return None
    labels = item.previous_labels
    return NoveltyView(
        earlier_case_numbers=list(labels),
        sentences=[SentenceView(
            text=s.text, start=s.start, end=s.end, status=s.status,
            similarity=float(s.similarity),
            earlier_case_number=labels[s.earlier] if s.earlier is not None
            and s.earlier < len(labels) else None,
            earlier_text=s.earlier_text, material=bool(s.material),
            cue_types=tuple(s.cue_types)) for s in novelty.sentences],
        new_share=None if suggestion.new_share is None else float(suggestion.new_share))


__all__ = [
    "NoveltyView",
    "novelty_for_case",
]
