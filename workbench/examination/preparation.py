"""Preparing an interview: the claim with the triage cues highlighted, what a repeat claim adds
to the earlier ones, suggested country information, the specific profiles the claim raises and
the questions of the bank they call for, and a printable preparation sheet.

Each part degrades on its own: a case without a triage model still gets its profiles from the
narrative's keywords, a case of a country the library lacks still gets its questions.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlmodel import Session

from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import WorkbenchError
from workbench.core.i18n import t
from workbench.core.permissions import Action, may, require
from workbench.core.settings import Settings, get_settings
from workbench.examination import question_bank as qb
from workbench.examination.interviews.record import bank_for, record_language_of, record_of
from workbench.intake import triage_desk, triage_novelty, triage_text
from workbench.intake.cases import load_case
from workbench.library.suggestions import suggestions_for_case


@dataclass(frozen=True)
class Highlight:
    sentence: str
    start: int
    end: int
    cues: tuple[str, ...]  # labels of the cues found in it
    note: str | None


@dataclass(frozen=True)
class PassageSuggestion:
    passage_id: int
    reference: str
    snippet: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SuggestedQuestion:
    section: str
    question_id: str
    prompt: str
    guidance: str


@dataclass(frozen=True)
class Preparation:
    application_id: int
    case_number: str
    applicant: str
    nationality: str
    category: str
    narrative: str
    highlights: tuple[Highlight, ...]
    triage_note: str | None  # why there are no highlights, when there are none
    earlier_case_numbers: tuple[str, ...]
    new_sentences: tuple[str, ...]
    new_share: float | None
    profiles: dict[str, tuple[str, ...]]  # code → reasons
    profile_labels: dict[str, str]
    questions: tuple[SuggestedQuestion, ...]
    passages: tuple[PassageSuggestion, ...]
    passages_note: str | None
    bank_version: str
    # The language of the bank's texts here (section, prompt, guidance, profile labels): the
    # interview record's once it has started, else the reader's (the record would get it).
    language: str = qb.DEFAULT_LANGUAGE
    # The person's first application: no earlier claim to compare the claim with.
    first_application: bool = False


def preparation(session: Session, *, actor: Actor, application_id: int,
                settings: Settings | None = None, passages: int = 6) -> Preparation:
    settings = settings or get_settings()
    app = load_case(session, actor, Action.CASE_OPEN, application_id)
    from models import Person

    person = session.get(Person, app.person_id)
    highlights: list[Highlight] = []
    cue_types: list[str] = []
    triage_note = None
    earlier: tuple[str, ...] = ()
    new_sentences: tuple[str, ...] = ()
    new_share = None
    if may(actor, Action.TRIAGE_VIEW):
        try:
            shown = triage_desk.case_triage(session, actor=actor, application_id=app.id,
                                            settings=settings)
            if shown.suggestion is not None:
                for e in shown.suggestion.evidence:
                    highlights.append(Highlight(e.sentence, e.start, e.end,
                                                tuple(dict.fromkeys(
                                                    t("interview.prep_negated", cue=c.label)
                                                    if c.negated else c.label
                                                    for c in e.cues)), e.note))
                    cue_types += [c.type for c in e.cues if not c.negated]
            else:
                triage_note = t("interview.prep_no_triage")
            novelty = triage_novelty.novelty_for_case(session, actor=actor,
                                                      application_id=app.id, settings=settings)
            if novelty is not None:
                earlier = tuple(novelty.earlier_case_numbers)
                new_sentences = tuple(s.text for s in novelty.sentences if s.status == "new")
                new_share = novelty.new_share
        except triage_desk.TriageUnavailable as exc:
            triage_note = str(exc)
    else:
        triage_note = t("interview.prep_triage_hidden")
    record = record_of(session, app.id)
    bank = bank_for(record)
    lang = record_language_of(record)
    raised = qb.profiles_raised(bank, app.claim_narrative or "", cue_types)
    questions = tuple(SuggestedQuestion(section.title_in(lang), q.id, q.prompt_in(lang),
                                        q.guidance_in(lang))
                      for section, qs in qb.suggested_questions(bank, raised) for q in qs)
    suggestions: list[PassageSuggestion] = []
    passages_note = None
    try:
        found = suggestions_for_case(session, actor=actor, application_id=app.id,
                                     limit=passages, settings=settings)
        for s in found:
            hit = s.hit
            when = (hit.published_on.isoformat() if hit.published_on
                    else t("interview.prep_undated"))
            reference = (f"{hit.source or t('interview.prep_unknown_source')}, {hit.title}, "
                         f"{when}, {hit.place}")
            suggestions.append(PassageSuggestion(hit.passage_id, reference,
                                                 "".join(text for text, _ in hit.snippet)
                                                 or hit.text[:300],
                                                 tuple(triage_text.coi_reason(r)
                                                       for r in s.reasons)))
        if not found:
            passages_note = t("interview.prep_no_passages")
    except WorkbenchError as exc:
        passages_note = str(exc)
    return Preparation(
        application_id=app.id, case_number=app.case_number,
        applicant=f"{person.family_name.upper()} {person.given_names}".strip() if person else "",
        nationality=person.nationality if person else "",
        category=str(app.sorting_category), narrative=app.claim_narrative or "",
        highlights=tuple(highlights), triage_note=triage_note,
        earlier_case_numbers=earlier, new_sentences=new_sentences, new_share=new_share,
        profiles={k: tuple(v) for k, v in raised.items()},
        profile_labels={k: p.label_in(lang) for k, p in bank.profiles.items()},
        questions=questions, passages=tuple(suggestions), passages_note=passages_note,
        bank_version=bank.version, language=lang,
        first_application=not earlier and (app.application_number or 1) <= 1)


def preparation_sheet_pdf(session: Session, *, actor: Actor, application_id: int,
                          settings: Settings | None = None, language: str | None = None) -> bytes:
    """The preparation sheet as a PDF, its labels in ``language`` (by default the sheet's own,
    ``Preparation.language``: the record's once it is taken, before that the reader's);
    printing it is audited."""
    from workbench.examination.documents import preparation_sheet as pdf

    settings = settings or get_settings()
    require(actor, Action.CASE_EXPORT, entity_type="application", entity_id=application_id)
    prep = preparation(session, actor=actor, application_id=application_id, settings=settings)
    # The sheet's questions come in ``prep.language``; a document that can say its language
    # is told it.
    extra = ({"language": prep.language}
             if "language" in {f.name for f in dataclasses.fields(pdf.PreparationSheetDoc)}
             else {})
    doc = pdf.PreparationSheetDoc(
        case_number=prep.case_number, applicant=prep.applicant, nationality=prep.nationality,
        category=prep.category, narrative=prep.narrative,
        highlighted=tuple((h.sentence, ", ".join(h.cues)) for h in prep.highlights),
        new_since_earlier=prep.new_sentences, first_application=prep.first_application,
        profiles=tuple(prep.profile_labels.get(p, p) for p in prep.profiles),
        questions=tuple(pdf.PrepQuestion(q.section, q.prompt, q.guidance)
                        for q in prep.questions),
        passages=tuple(pdf.PrepPassage(p.reference, p.snippet, "; ".join(p.reasons))
                       for p in prep.passages),
        produced_at=clock.local_datetime(clock.now_utc(), settings).replace(
            second=0, microsecond=0),
        **extra,
    )
    data = pdf.preparation_sheet_pdf(doc, language)
    audit.record(session, actor=actor, action="case.print", entity_type="application",
                 entity_id=application_id, details={"document": "preparation_sheet",
                                                    "language": language or prep.language})
    return data


__all__ = ["Highlight", "PassageSuggestion", "Preparation", "SuggestedQuestion", "preparation",
           "preparation_sheet_pdf"]
