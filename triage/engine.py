"""One call from an application to an explained sorting suggestion.

``Triager.suggest_many`` runs the spaCy pipeline over the narratives (and the earlier claims of
repeat applicants) in batches, asks the calibrated classifier once for the whole batch, and
applies the procedure's rules to each application. Each suggestion names the model, rule and
cue-lexicon versions that made it.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from spacy.tokens import Doc

from triage import features, nlp
from triage.corpus import A_COUNTRIES_FILE, a_country_entries
from triage.cues import default_lexicon
from triage.language import language_of
from triage.model import BasisModel, b_probability
from triage.model import load as load_model
from triage.novelty import Novelty, compare, pair_features, thresholds
from triage.rules import (
    READ_LANGUAGES,
    Decision,
    Facts,
    JapanSorting,
    Reading,
    third_application_exception,
)

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# Code points no text should carry: lone surrogates (left by a broken UTF-16 conversion; they
# cannot even be written out as UTF-8) and NUL.
_UNWRITABLE = re.compile("[\ud800-\udfff\x00]")
MAX_EVIDENCE = 6


@dataclass(frozen=True)
class TriageInput:
    narrative: str
    nationality: str | None = None
    application_number: int = 1
    previous_narratives: tuple[str, ...] = ()
    previous_labels: tuple[str, ...] = ()  # e.g. case numbers, aligned with the narratives
    status_of_residence: str | None = None
    activities_ceased: bool = False
    reasonable_grounds_materials: bool = False
    removal_procedure: bool = False
    lodged: date | None = None

    def __post_init__(self) -> None:
        # An export may carry code points no text should (see _UNWRITABLE): they become the
        # replacement character, so that one damaged narrative neither stops a batch nor is
        # read differently from the rest of its text.
        if _UNWRITABLE.search(self.narrative or ""):
            object.__setattr__(self, "narrative", clean_text(self.narrative))
        if any(_UNWRITABLE.search(t) for t in self.previous_narratives):
            object.__setattr__(self, "previous_narratives",
                               tuple(clean_text(t) for t in self.previous_narratives))


def clean_text(text: str) -> str:
    """``text`` with lone surrogates and NUL characters replaced by U+FFFD."""
    return _UNWRITABLE.sub("\ufffd", text)


@dataclass(frozen=True)
class CueMark:
    type: str
    label: str
    text: str
    start: int  # offsets within the sentence
    end: int
    negated: bool
    hypothetical: bool


@dataclass(frozen=True)
class Evidence:
    sentence: str
    start: int  # offsets within the narrative
    end: int
    cues: tuple[CueMark, ...]
    note: str | None = None  # e.g. "repeats earlier claim no. 1"


@dataclass(frozen=True)
class NotB:
    """Why a claim with crime, extortion, debt or private-dispute cues was not suggested B:
    the sentence that stopped it, or a Convention ground that is present but not linked."""

    kind: str  # "linked_ground", "unlinked_ground" or "score"
    message: str
    sentence: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Suggestion:
    category: str
    confidence: float
    basis: str | None
    b_reason: str | None
    leaning: str | None
    reasons: tuple[str, ...]
    abstain_reasons: tuple[str, ...]
    probabilities: Mapping[str, float]
    evidence: tuple[Evidence, ...]
    third_or_later: bool
    third_or_later_exception: bool | None
    repeats: int | None  # index of the earlier claim a C suggestion repeats
    repeats_label: str | None
    new_share: float | None
    novelty: Novelty | None
    a_list_reason: str | None
    model_version: str
    rules_version: str
    cues_version: str
    language: str = "en"
    extra: dict = field(default_factory=dict)
    not_b: tuple[NotB, ...] = ()

    @property
    def abstained(self) -> bool:
        return self.category == "ABSTAIN"

    @property
    def p_b(self) -> float | None:
        """p(the claim is outside the Convention grounds): the B classes' probabilities; None
        when the model did not read the text (empty, too short, or in a language it does not
        read)."""
        return b_probability(self.probabilities) if self.probabilities else None

    def to_record(self) -> dict:
        """A JSON-ready summary (the batch output line, and what is stored)."""
        return {
            "category": self.category,
            "confidence": round(float(self.confidence), 4),
            "basis": self.basis,
            "b_reason": self.b_reason if self.category == "B" else None,
            "leaning": self.leaning,
            "reasons": list(self.reasons),
            "abstain_reasons": list(self.abstain_reasons),
            "probabilities": {k: round(float(v), 4) for k, v in self.probabilities.items()},
            "third_or_later": self.third_or_later,
            "third_or_later_exception": self.third_or_later_exception,
            "repeats": self.repeats,
            "repeats_label": self.repeats_label,
            "new_share": None if self.new_share is None else round(self.new_share, 3),
            "new_sentences": ([s.text for s in self.novelty.sentences if s.status == "new"]
                              if self.novelty else []),
            "a_list_reason": self.a_list_reason,
            "evidence": [
                {"sentence": e.sentence, "start": e.start, "end": e.end, "note": e.note,
                 "cues": [asdict(c) for c in e.cues]}
                for e in self.evidence
            ],
            "language": self.language,
            "not_b": [asdict(n) for n in self.not_b],
            "model_version": self.model_version,
            "rules_version": self.rules_version,
            "cues_version": self.cues_version,
        }


def _quoted(note: NotB, limit: int = 240) -> str:
    """A why-not-B note with its sentence, as a reason line."""
    if not note.sentence:
        return note.message
    text = " ".join(note.sentence.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return f"{note.message} \u201c{text}\u201d"


def load_a_countries(path: Path = A_COUNTRIES_FILE) -> dict[str, str]:
    """Code → reason of the shipped Category A list."""
    return {entry["code"]: entry["reason"] for entry in a_country_entries(path)}


def _word_count(text: str, doc: Doc) -> int:
    """Words in the narrative; for Japanese, which has no spaces, two characters a word."""
    if _CJK.search(text):
        return len(_CJK.findall(text)) // 2 + len(_LATIN.findall(text)) // 5
    flags = nlp.token_arrays(doc)[:, [nlp.COL_PUNCT, nlp.COL_SPACE]]
    return int(len(doc) - (flags.sum(axis=1) > 0).sum()) if len(doc) else 0


def keep_out_of_collection() -> None:
    """Build the spaCy pipeline and leave everything the process now holds (a loaded model,
    the pipeline) out of the garbage collector's full passes. Those objects live as long as
    the process; a full pass now and then walked them all again, and made the slowest single
    suggestion more than ten times the median. Call it after loading a model: it first lets
    anything an earlier call kept (a model since replaced) be collected again."""
    nlp.pipeline()
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class Triager:
    def __init__(self, model: BasisModel, a_countries: Mapping[str, str] | None = None,
                 rules: JapanSorting | None = None):
        self.model = model
        self.a_countries = dict(a_countries if a_countries is not None else load_a_countries())
        self.rules = rules or JapanSorting(model.thresholds, model.novelty)
        self.labels = {c.name: c.label for c in default_lexicon().cue_types}

    @classmethod
    def from_files(cls, model_path: Path | None = None,
                   a_countries: Mapping[str, str] | None = None) -> Triager:
        model = load_model(model_path) if model_path else load_model()
        return cls(model, a_countries)

    def suggest(self, item: TriageInput) -> Suggestion:
        return self.suggest_many([item])[0]

    def suggest_many(self, items: Sequence[TriageInput], batch_size: int = 64
                     ) -> list[Suggestion]:
        docs = list(nlp.analyse_many([i.narrative or "" for i in items], batch_size))
        probabilities = self.model.predict_proba(docs)
        earlier_texts = [t for i in items for t in i.previous_narratives]
        earlier_docs = iter(list(nlp.analyse_many(earlier_texts, batch_size)))
        out = []
        for item, doc, row in zip(items, docs, probabilities, strict=True):
            earlier = [next(earlier_docs) for _ in item.previous_narratives]
            out.append(self._one(item, doc, dict(zip(self.model.classes, row.tolist(),
                                                     strict=True)), earlier))
        return out

    def _one(self, item: TriageInput, doc: Doc, p: dict[str, float], earlier: list[Doc]
             ) -> Suggestion:
        novelty = None
        p_no_news = None
        language = language_of(item.narrative or "")
        if item.application_number >= 2 and earlier:
            repeated, reworded = thresholds(self.model.novelty, language)
            novelty = compare(doc, earlier, repeated=repeated, reworded=reworded)
            p_no_news = self.model.p_no_news(pair_features(doc, earlier, novelty), language)
        facts = Facts(
            nationality=(item.nationality or "").upper() or None,
            application_number=item.application_number,
            has_previous_text=bool(earlier),
            status_of_residence=item.status_of_residence,
            activities_ceased=item.activities_ceased,
            reasonable_grounds_materials=item.reasonable_grounds_materials,
            lodged=item.lodged,
            language=language,
            tokens=_word_count(item.narrative or "", doc),
        )
        clauses = features.read(doc)
        nexus = {link.sentence for link in clauses.links}
        about = tuple(dict.fromkeys(subject for _, subject in clauses.about))
        reading = Reading(probabilities=p, nexus=bool(nexus), novelty=novelty,
                          p_no_news=p_no_news, about=about)
        decision = self.rules.decide(facts, reading, self.a_countries)
        if facts.tokens < 4 or facts.language not in READ_LANGUAGES:
            # The model did not read this text (empty, too short, or a language it does not
            # read): it gives no probabilities, so no p(B) is shown or ranked on.
            p = {}
        not_b = self._why_not_b(doc, decision, clauses, p)
        third = item.application_number >= 3
        repeats = novelty.closest_earlier if (novelty and decision.category == "C") else None
        label = None
        if repeats is not None and repeats < len(item.previous_labels):
            label = item.previous_labels[repeats]
        return Suggestion(
            category=decision.category, confidence=decision.confidence, basis=decision.basis,
            b_reason=decision.b_reason, leaning=decision.leaning,
            reasons=decision.reasons + tuple(_quoted(n) for n in not_b),
            abstain_reasons=decision.abstain_reasons, probabilities=p,
            evidence=self._evidence(doc, decision, nexus, novelty),
            third_or_later=third,
            third_or_later_exception=(third_application_exception(
                item.application_number, item.reasonable_grounds_materials, item.lodged)
                if third else None),
            repeats=repeats, repeats_label=label,
            new_share=novelty.new_share if novelty else None, novelty=novelty,
            a_list_reason=decision.a_list_reason, model_version=self.model.version,
            rules_version=self.rules.version, cues_version=default_lexicon().version,
            language=facts.language,
            not_b=not_b,
        )

    @staticmethod
    def _why_not_b(doc: Doc, decision: Decision, clauses: features.Reading,
                   p: Mapping[str, float]) -> tuple[NotB, ...]:
        """Where crime, extortion, debt or private-dispute cues are present but the suggestion
        is not B: the sentence that stopped it, and any ground present but not linked."""
        if (decision.category == "B" or not clauses.crime or decision.category in ("C", "NA")
                or not p):  # nothing to explain about a text the model did not read
            return ()
        sentences = nlp.sentences_of(doc)
        full = nlp.text_of(doc)

        def sentence(index: int) -> tuple[str, int, int]:
            sent = sentences[index]
            return full[sent.start_char:sent.end_char].strip(), sent.start_char, sent.end_char

        out: list[NotB] = []
        for link in clauses.links[:2]:
            text, start, end = sentence(link.sentence)
            how = {"motive": "names it as the reason for the harm",
                   "clause": "ties it to the harm in the same clause",
                   "state_political": "has a state agent act on a political organisation "
                                      "or activity"}[link.how]
            out.append(NotB("linked_ground", f"Not B: this sentence links a Convention ground "
                            f"(\u201c{link.text}\u201d) to the harm: it {how}.",
                            text, start, end))
        if not out:
            p_b = b_probability(p)
            out.append(NotB("score", f"Crime, extortion, debt or private-dispute cues are "
                            f"present, but the claim as a whole does not read as outside the "
                            f"Convention (probability of B {p_b:.0%})."))
        for index in clauses.unlinked[:2]:
            text, start, end = sentence(index)
            out.append(NotB("unlinked_ground", "A Convention ground is mentioned here but not "
                            "linked to the harm or the persecutor's motive: it did not stop B.",
                            text, start, end))
        return tuple(out)

    def _evidence(self, doc: Doc, decision: Decision, nexus: set[int],
                  novelty: Novelty | None) -> tuple[Evidence, ...]:
        hits = doc._.cues or []
        sentences = nlp.sentences_of(doc)
        text = nlp.text_of(doc)
        if "repeat" in decision.focus and novelty is not None:
            ranked = sorted(novelty.sentences, key=lambda s: -s.similarity)[:MAX_EVIDENCE]
            def note(s) -> str:  # noqa: ANN001
                if s.status != "new" and s.earlier is not None:
                    return (f"repeats earlier claim no. {s.earlier + 1}: "
                            f"\u201c{s.earlier_text}\u201d")
                return "new, material" if s.material else "new, not material"

            return tuple(Evidence(s.text, s.start, s.end, (), note=note(s))
                         for s in sorted(ranked, key=lambda s: s.start))
        focus = set(decision.focus) or {"ground", "b", "conflict"}
        wanted_b = f"b_{decision.b_reason}" if decision.b_reason else None
        # A repeat claim sorted on its new facts: show what is new, and say so.
        compared = {}
        if novelty is not None:
            by_start = {n.start: n for n in novelty.sentences}
            for index, sent in enumerate(sentences):
                sent_text = text[sent.start_char:sent.end_char]
                lead = len(sent_text) - len(sent_text.lstrip())
                if sent.start_char + lead in by_start:
                    compared[index] = by_start[sent.start_char + lead]
        by_sentence: dict[int, list] = {}
        for h in hits:
            by_sentence.setdefault(h.sentence, []).append(h)
        scored: list[tuple[float, int]] = []
        for index in range(len(sentences)):
            mine = by_sentence.get(index, [])
            if not mine:
                continue
            score = 3.0 if index in compared and compared[index].material else 0.0
            for h in mine:
                if h.family in focus:
                    score += 2.0 if not h.weak else 1.0
                    if h.type == wanted_b:
                        score += 1.0
                elif h.family in ("harm", "agent"):
                    score += 0.5
            if index in nexus and ("ground" in focus or "b" in focus):
                score += 2.0
            if score > 0:
                scored.append((score, index))
        chosen = sorted(index for _, index in sorted(scored, reverse=True)[:MAX_EVIDENCE])
        evidence = []
        for index in chosen:
            sent = sentences[index]
            marks = tuple(
                CueMark(h.type, self.labels.get(h.type, h.type), h.text,
                        h.start - sent.start_char, h.end - sent.start_char, h.negated,
                        h.hypothetical)
                for h in by_sentence.get(index, []))
            notes = []
            if index in nexus:
                notes.append("Convention ground linked to the harm or the persecutor's motive")
            seen = compared.get(index)
            if seen is not None:
                notes.append("new since the earlier claims, material" if seen.material
                             else "new, not material" if seen.status == "new"
                             else f"repeats earlier claim no. {(seen.earlier or 0) + 1}")
            evidence.append(Evidence(text[sent.start_char:sent.end_char], sent.start_char,
                                     sent.end_char, marks, note="; ".join(notes) or None))
        return tuple(evidence)
