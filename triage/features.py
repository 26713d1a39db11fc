"""Numeric features the classifier reads from a cue-annotated doc, next to word and character
TF-IDF of the narrative.

Per cue type: how often it is asserted (strong terms), asserted through a loose term, negated,
and hypothetical. Then the sentence-level combinations the rules also use: a Convention ground
asserted in the same sentence as harm or an agent (the nexus pattern that vetoes B), a B cue
next to state protection, and the narrative's length.
"""

from __future__ import annotations

import math
from collections import defaultdict
from functools import lru_cache

import numpy as np
from spacy.tokens import Doc

from triage.cues import Lexicon, default_lexicon
from triage.nlp import CueHit

_STATES = ("asserted", "weak", "negated", "hypothetical")


def feature_names(lexicon: Lexicon | None = None) -> list[str]:
    lexicon = lexicon or default_lexicon()
    names = [f"{c}:{s}" for c in lexicon.names for s in _STATES]
    names += ["nexus_sentences", "ground_negated_sentences", "b_with_protection",
              "conflict_with_harm", "log_tokens", "log_sentences"]
    return names


def hit_state(hit: CueHit) -> str:
    if hit.negated:
        return "negated"
    if hit.hypothetical:
        return "hypothetical"
    return "weak" if hit.weak else "asserted"


def nexus_sentences(hits: list[CueHit]) -> set[int]:
    """Sentences where a strong Convention-ground cue is asserted (or feared) together with
    harm that is not negated: the pattern that vetoes Category B. An agent alone is not
    enough ("the neighbour shouted at me outside the church" names a place, not a reason)."""
    by_sentence: dict[int, list[CueHit]] = defaultdict(list)
    for hit in hits:
        by_sentence[hit.sentence].append(hit)
    found = set()
    for sentence, group in by_sentence.items():
        ground = any(h.family == "ground" and not h.negated and not h.weak
                     and not h.question for h in group)
        actor = any(h.family == "harm" and not h.negated and not h.question for h in group)
        if ground and actor:
            found.add(sentence)
    return found


@lru_cache(maxsize=8)
def _index(lexicon: Lexicon) -> dict[str, int]:
    return {name: i for i, name in enumerate(lexicon.names)}


def vector(doc: Doc, lexicon: Lexicon | None = None) -> np.ndarray:
    lexicon = lexicon or default_lexicon()
    names = lexicon.names
    index = _index(lexicon)
    width = len(_STATES)
    values = np.zeros(len(names) * width + 6, dtype=np.float32)
    hits: list[CueHit] = doc._.cues or []
    for hit in hits:
        values[index[hit.type] * width + _STATES.index(hit_state(hit))] += 1.0
    by_sentence: dict[int, set[str]] = defaultdict(set)
    for hit in hits:
        if not hit.negated:
            by_sentence[hit.sentence].add(hit.family)
    ground_negated = {h.sentence for h in hits if h.family == "ground" and h.negated}
    base = len(names) * width
    values[base] = len(nexus_sentences(hits))
    values[base + 1] = len(ground_negated)
    values[base + 2] = sum(1 for f in by_sentence.values() if "b" in f and "protection" in f)
    values[base + 3] = sum(1 for f in by_sentence.values() if "conflict" in f and "harm" in f)
    values[:base + 4] = np.log1p(values[:base + 4])
    values[base + 4] = math.log1p(len(doc))
    values[base + 5] = math.log1p(sum(1 for _ in doc.sents))
    return values


def matrix(docs: list[Doc], lexicon: Lexicon | None = None) -> np.ndarray:
    lexicon = lexicon or default_lexicon()
    if not docs:
        return np.zeros((0, len(feature_names(lexicon))), dtype=np.float32)
    return np.vstack([vector(doc, lexicon) for doc in docs])
