"""Numeric features the classifier reads from a cue-annotated doc, next to word and character
TF-IDF of the narrative.

Per cue type: how often it is asserted (strong terms), asserted through a loose term, negated,
and hypothetical. Then the sentence-level combinations the rules also use: a Convention ground
asserted in the same sentence as harm or an agent (the nexus pattern that vetoes B), a B cue
next to state protection, and the narrative's length.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from spacy.attrs import IDX, ORTH, TAG
from spacy.strings import get_string_id
from spacy.tokens import Doc

from triage.cues import JapaneseRules, Lexicon, default_lexicon
from triage.nlp import COL_IDX, COL_LOWER, COL_SPACE, CueHit, sentences_of, text_of, token_arrays

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
                     and not h.question and not h.hedged for h in group)
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
    values[base + 5] = math.log1p(len(sentences_of(doc)))
    return values


def matrix(docs: list[Doc], lexicon: Lexicon | None = None) -> np.ndarray:
    lexicon = lexicon or default_lexicon()
    if not docs:
        return np.zeros((0, len(feature_names(lexicon))), dtype=np.float32)
    return np.vstack([vector(doc, lexicon) for doc in docs])


# --- Nexus read at the clause: a ground counts when it is the reason for the harm ---------

#: Words before a ground (within :data:`_MOTIVE_WINDOW` tokens) that make it the reason for
#: the harm or the persecutor's motive: "because of his political opinion", "targeted for
#: being Tamil", "on account of her religion", "accused of supporting the PKK".
_MOTIVE = ("because", "due to", "on account of", "by reason of", "on the basis of",
           "on the grounds of", "for being", "for his", "for her", "for their", "for my",
           "for your", "for the", "in retaliation for", "accused of", "accused him of",
           "accused her of", "suspected of", "suspected him of", "suspected her of",
           "as a", "as an", "targeted for", "punish", "owing to", "given his", "given her",
           "since he was", "since she was", "about his", "about her", "about their",
           "about the", "regarding his", "regarding her", "over his", "over her")
_MOTIVE_WINDOW = 6
#: Words before a ground that make it a mere mention: the persecutor's connections, the
#: occasion or the place ("a gang leader with political connections", "during the election").
_MENTION = ("connection", "connections", "connected", "patron", "ties", "tie", "backed",
            "protected", "links", "linked", "friend", "relative", "cousin", "brother-in-law",
            "during", "before", "after", "election", "elections", "campaign", "near",
            "outside", "attended", "attend", "visit", "visited")
_CLAUSE_BREAK = frozenset({",", ";", ":", "but", "when", "while", "although", "though",
                           "whereas", "after", "before", "because", "so", "then", "until"})
_CLAUSE_BREAK_IDS = frozenset(get_string_id(w) for w in _CLAUSE_BREAK)
_CRIME_TYPES = frozenset({"b_general_insecurity", "b_private_trouble", "b_debt_property"})
#: Non-state agents of crime: their presence in a sentence makes a state agent and a political
#: cue there read as connections, not as political persecution.
_CRIMINAL_AGENTS = ("gang", "cartel", "mafia", "maras", "mara", "criminal", "criminals",
                    "extortion", "extort", "extorted", "extortionist", "extortionists",
                    "smugglers", "traffickers", "kidnappers", "loan shark")
# The look-ahead for the words' first letters changes no match: it only skips, at once, the
# positions where none of the words can start.
_CRIMINAL = re.compile(
    "(?=[" + "".join(sorted({w[0] for w in _CRIMINAL_AGENTS})) + r"])\b(?:"
    + "|".join(re.escape(w) for w in _CRIMINAL_AGENTS) + r")\b", re.I)


@dataclass(frozen=True)
class Link:
    """A sentence whose Convention ground is tied to the harm or the persecutor's motive."""

    sentence: int
    ground: str  # the cue type
    text: str  # the ground's words
    how: str  # "motive", "clause" or "state_political"


@dataclass(frozen=True)
class Reading:
    """The clause-level reading of a doc that the veto and the explanations use."""

    links: tuple[Link, ...]
    unlinked: tuple[int, ...]  # sentences with a strong ground that is not linked
    crime: tuple[int, ...]  # sentences with crime, extortion, debt or private-dispute cues
    n_sentences: int
    #: (sentence, subject) where the claim is about a political demonstration, a religious
    #: community or an ethnic group (cues.toml [never_b]): such a claim is never B.
    about: tuple[tuple[int, str], ...] = ()


class _Tokens:
    """The lower-case form and the space flag of each token of a doc, read once as arrays
    (Token objects cost more than the reading itself)."""

    def __init__(self, doc: Doc):
        arrays = token_arrays(doc)
        self.starts = arrays[:, COL_IDX].astype(np.int64)
        self.lower = arrays[:, COL_LOWER].tolist()
        self.space = arrays[:, COL_SPACE].tolist()
        self.strings = doc.vocab.strings

    def words(self, start: int, end: int) -> list[str]:
        """The lower-case words (no whitespace tokens) of tokens ``start`` to ``end``."""
        return [self.strings[self.lower[i]] for i in range(start, end) if not self.space[i]]


def _phrases(phrases: Sequence[str]) -> tuple[re.Pattern, tuple[str, ...]]:
    """Phrases as :func:`_preceded_by` looks for them: any of them between spaces, and the
    endings a text may have."""
    return (re.compile("|".join(re.escape(f" {p} ") for p in phrases)),
            tuple(" " + p for p in phrases))


def _preceded_by(words: list[str], phrases: tuple[re.Pattern, tuple[str, ...]]) -> bool:
    """Whether ``words`` hold one of ``phrases`` (as made by :func:`_phrases`) or end in it."""
    joined = " " + " ".join(words) + " "
    inside, ends = phrases
    return inside.search(joined) is not None or joined.rstrip().endswith(ends)


_MOTIVE_PHRASES = _phrases(_MOTIVE)
_MENTION_PHRASES = _phrases(_MENTION)


def read(doc: Doc) -> Reading:
    """Which grounds are linked to the harm (by a motive word, by sharing a clause with a
    harm, or as a state agent acting on a political organisation or activity), which are only
    mentioned, and which sentences carry crime, extortion, debt or private-dispute cues."""
    cached = doc.user_data.get("triage_read")
    if cached is not None:
        return cached
    reading = _read(doc)
    doc.user_data["triage_read"] = reading
    return reading


def _read(doc: Doc) -> Reading:
    hits: list[CueHit] = doc._.cues or []
    if not hits:
        return Reading((), (), (), len(sentences_of(doc)))
    if doc.user_data.get("triage_lang") == "ja":
        return _read_japanese(doc, hits, default_lexicon().japanese)
    tokens = _Tokens(doc)
    starts = tokens.starts

    def token_of(char: int) -> int | None:
        at = int(np.searchsorted(starts, char))
        return at if at < len(starts) and starts[at] == char else None

    sentences = sentences_of(doc)
    text = text_of(doc)
    by_sentence: dict[int, list[CueHit]] = defaultdict(list)
    for hit in hits:
        by_sentence[hit.sentence].append(hit)
    links: list[Link] = []
    unlinked: list[int] = []
    crime: list[int] = []
    about: list[tuple[int, str]] = []
    for index, group in sorted(by_sentence.items()):
        sent = sentences[index] if index < len(sentences) else None
        if sent is None:
            continue
        criminal = _CRIMINAL.search(text, sent.start_char, sent.end_char) is not None
        if criminal or any(h.type in _CRIME_TYPES and h.asserted and not h.weak for h in group):
            crime.append(index)
        harms = [token_of(h.start) for h in group if h.family == "harm"
                 and not h.negated and not h.question]
        harms = [i for i in harms if i is not None]
        state = any(h.type == "agent_state" and not h.negated for h in group)
        insecurity = _insecure(group) or _TERROR.search(text, sent.start_char,
                                                        sent.end_char) is not None

        def link(hit: CueHit, political: bool) -> str | None:
            at = token_of(hit.start)
            if at is None:
                return None
            before = tokens.words(max(sent.start, at - _MOTIVE_WINDOW), at)  # noqa: B023
            if _preceded_by(before[-4:], _MENTION_PHRASES):
                return None
            if _preceded_by(before, _MOTIVE_PHRASES):
                return "motive"
            clause = _clause(tokens, sent, at)  # noqa: B023
            if any(clause[0] <= h < clause[1] for h in harms):  # noqa: B023
                return "clause"
            if state and political and not criminal:  # noqa: B023
                return "state_political"
            return None

        if not criminal and not insecurity:
            about.extend((index, subject) for subject in _about(group, link, state))
        grounds = [h for h in group if h.family == "ground" and not h.negated
                   and not h.weak and not h.question and not h.hedged]
        if not grounds:
            continue
        found = None
        for ground in grounds:
            how = link(ground, ground.type == "ground_political")
            if how:
                found = Link(index, ground.type, ground.text, how)
                break
        if found:
            links.append(found)
        else:
            unlinked.append(index)
    return Reading(tuple(links), tuple(unlinked), tuple(crime), len(sentences), tuple(about))


#: Terrorism named in an English sentence: where it struck is not what the claim is about.
_TERROR = re.compile(r"(?=[st])\b(?:suicide (?:attack|bomb)|terror)", re.I)


def _insecure(group: list[CueHit]) -> bool:
    """General insecurity or the conflict asserted in the sentence (a bombing, terrorism,
    crime, shelling): a mosque or a rally named there is where it struck, not what the claim
    is about."""
    return any(h.type in ("b_general_insecurity", "conflict") and not h.negated
               and not h.weak for h in group)


def _about(group: list[CueHit], link, state_acts: bool) -> list[str]:  # noqa: ANN001
    """Subjects of :data:`Reading.about` in one sentence: a demonstration, religious community
    or ethnic group linked to the harm like a Convention ground (loose terms such as "church"
    included). Where the sentence also tells a debt, hardship or private dispute, a harm nearby
    is not enough: a motive ("neighbours beat him because he is a Christian") or the state
    acting on a demonstration is."""
    private = any(h.family == "b" and not h.negated and not h.weak for h in group)
    out = []
    for h in group:
        if h.subject is None or h.negated or h.question or h.hedged:
            continue
        how = link(h, h.subject == "demonstration")
        if how == "clause" and state_acts and h.subject == "demonstration":
            how = "state_political"  # the police at a demonstration, whatever else is told
        if how in ("motive", "state_political") or (how and not private):
            out.append(h.subject)
    return out


def _read_japanese(doc: Doc, hits: list[CueHit], rules: JapaneseRules) -> Reading:
    """The clause reading of a Japanese doc. Japanese puts the reason after the ground
    ("宗教を理由に", "クルド人であるために", "スパイだとして", "反政府派とみなされ"), so a ground is
    linked when a motive word follows it in its clause, when its clause holds the harm, or
    when a state agent acts on a political organisation or activity in its sentence; a place
    or an occasion after it ("教会の近くで", "選挙の際") makes it a mention."""
    sentences = sentences_of(doc)
    text = text_of(doc)
    strings = doc.vocab.strings
    arrays = doc.to_array([IDX, ORTH, TAG])
    starts = arrays[:, 0].astype(np.int64)
    orth = [strings[int(v)] for v in arrays[:, 1]]
    tag = [strings[int(v)] for v in arrays[:, 2]]
    breaks = [i for i in range(len(orth)) if (orth[i] in "、，,；;：:。！？!?" and not (
        i and orth[i - 1] in ("たり", "だり"))) or (
        tag[i] == "助詞-接続助詞" and orth[i] in rules.clause_ends)]
    break_chars = np.asarray([starts[i] for i in breaks] + [len(text)], dtype=np.int64)
    motive = _japanese_pattern(rules.motive)
    mention = _japanese_pattern(rules.mention)
    criminal_words = _japanese_pattern(rules.criminal)

    def clause_of(char: int) -> tuple[int, int]:
        """Character range of the clause holding ``char``."""
        at = int(np.searchsorted(break_chars, char, side="right"))
        begin = int(break_chars[at - 1]) + 1 if at > 0 else 0
        return begin, int(break_chars[at]) if at < len(break_chars) else len(text)

    by_sentence: dict[int, list[CueHit]] = defaultdict(list)
    for hit in hits:
        by_sentence[hit.sentence].append(hit)
    links: list[Link] = []
    unlinked: list[int] = []
    crime: list[int] = []
    about: list[tuple[int, str]] = []
    for index, group in sorted(by_sentence.items()):
        if index >= len(sentences):
            continue
        sent = sentences[index]
        criminal = bool(criminal_words and criminal_words.search(text, sent.start_char,
                                                                 sent.end_char))
        if criminal or any(h.type in _CRIME_TYPES and h.asserted and not h.weak for h in group):
            crime.append(index)
        harms = [h.start for h in group if h.family == "harm" and not h.negated
                 and not h.question]
        state = any(h.type == "agent_state" and not h.negated and not h.question
                    for h in group)

        def tail(h: CueHit, limit: int = 24) -> str:
            end = min(clause_of(h.start)[1] + 1, h.end + limit, sent.end_char)  # noqa: B023
            return text[h.end:end]

        def mentioned(h: CueHit) -> bool:
            return bool(mention and mention.search(tail(h)[:8]))

        def link(hit: CueHit, political: bool) -> str | None:
            if mentioned(hit):
                return None
            if motive and motive.search(tail(hit)):
                return "motive"
            begin, end = clause_of(hit.start)
            if any(begin <= h < end for h in harms):  # noqa: B023
                return "clause"
            if state and political and not criminal:  # noqa: B023
                return "state_political"
            return None

        if not criminal and not _insecure(group):
            about.extend((index, subject) for subject in _about(group, link, state))
        grounds = [h for h in group if h.family == "ground" and not h.negated
                   and not h.weak and not h.question and not h.hedged]
        if not grounds:
            continue
        found = None
        for ground in grounds:
            how = link(ground, ground.type == "ground_political")
            if how:
                found = Link(index, ground.type, ground.text, how)
                break
        if found:
            links.append(found)
        else:
            unlinked.append(index)
    return Reading(tuple(links), tuple(unlinked), tuple(crime), len(sentences), tuple(about))


@lru_cache(maxsize=16)
def _japanese_pattern(items: tuple[str, ...]) -> re.Pattern | None:
    items = sorted(set(items), key=len, reverse=True)
    return re.compile("|".join(re.escape(i) for i in items)) if items else None


def _clause(tokens: _Tokens, sent, at: int) -> tuple[int, int]:  # noqa: ANN001
    """Token range of the clause around token ``at`` within its sentence."""
    lower = tokens.lower
    start = at
    while start > sent.start and lower[start - 1] not in _CLAUSE_BREAK_IDS:
        start -= 1
    end = at + 1
    while end < sent.end and lower[end] not in _CLAUSE_BREAK_IDS:
        end += 1
    return start, end


def linked_sentences(doc: Doc) -> set[int]:
    """Sentences that link a Convention ground to the harm or the persecutor's motive: the
    pattern that vetoes Category B."""
    return {link.sentence for link in read(doc).links}


def reading_vector(doc: Doc) -> np.ndarray:
    """Length- and voice-independent numbers of the clause reading: shares of sentences with
    a linked ground (by each route), an unlinked ground and crime cues, and whether any."""
    reading = read(doc)
    n = max(reading.n_sentences, 1)
    how = [link.how for link in reading.links]
    values = [len(reading.links) / n, how.count("motive") / n, how.count("clause") / n,
              how.count("state_political") / n, len(reading.unlinked) / n,
              len(reading.crime) / n, float(bool(reading.links)),
              float(bool(reading.crime)), float(bool(reading.crime) and not reading.links)]
    return np.asarray(values, dtype=np.float32)


READING_FEATURES = ("linked_share", "motive_share", "clause_share", "state_political_share",
                    "unlinked_share", "crime_share", "any_linked", "any_crime",
                    "crime_without_link")
