"""The triage spaCy pipeline: ``spacy.blank("en")`` plus the project's own components, so
nothing is downloaded at run time.

Tokenizer: spaCy's English rules, or for a mostly Japanese text SudachiPy's morphemes with their
normalised forms as NORM (:mod:`triage.japanese`). Pipeline: ``triage_norm`` (each English
token's NORM becomes its stem) → ``triage_sentences`` → ``triage_cues`` (PhraseMatcher over the
stems, and over the Japanese normalised forms, for every cue type of ``data/triage/cues.toml``,
then negation and hypothetical marking). The result is ``doc._.cues``: a list of
:class:`CueHit`, each with its sentence.

Negation follows NegEx: a trigger ("not", "never", "no one", …) negates a cue that follows it
in the same clause within ``window`` tokens; a terminator ("but", "however", …) ends its reach;
look-alikes ("not only", "no doubt") do not negate; a few phrases after a cue ("… was not the
reason") negate backwards. A cue after "if", "would", "will", "afraid", … is hypothetical: a
fear or a possibility, not an event that happened.

Japanese negates and hedges after the predicate, so its markers reach backwards over their own
clause (to the previous reading comma, end mark or clause-ending particle such as が, ので, ば):
〜ない, 〜ず(に), 〜ぬ, 〜ません, 〜ことはない, 〜とは言えない, 〜わけではない, 〜はずがない,
〜ではなく; a denied report (〜とは述べていない) reaches over the whole reported claim. Obligation
(〜なければならない), かもしれない, "don't know why" and the like do not negate. A condition
(〜ば, 〜たら, 〜なら, 〜場合, もし) makes the rest of its sentence hypothetical unless the
sentence tells what happened (past predicate: 家に帰ったら警察が待っていた); a fear (おそれ,
怖い, 〜と思う) makes its clause hypothetical, and so does a hedge (かもしれない, 〜らしい), which
also marks the cue ``hedged``: not sure it happened or why, so a hedged ground is no basis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LOWER, NORM, ORTH, SENT_START, TAG
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from triage import japanese
from triage.cues import Lexicon, Triggers, default_lexicon, stem
from triage.cues import load as load_lexicon
from triage.layout import regular
from triage.nlp_japanese import JapaneseMarkers

#: Changes whenever the components change what they produce; part of the model version.
PIPELINE_VERSION = "2026.12.4"
#: Chunks the English tokenizer keeps the split of (about 60 bytes each).
TOKENIZER_CACHE = 200_000

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_JA_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")

if not Doc.has_extension("cues"):
    Doc.set_extension("cues", default=None)


_QUESTION_OPENERS = frozenset({"whether", "if", "about"})
_LIST_GLUE = frozenset({",", "or", "and", "nor", "/", "his", "her", "their", "its", "of", "any",
                        "a", "an", "the", "membership", "particular", "social", "group",
                        "other", "because", "for", "due", "to", "on", "account", "grounds",
                        "ground", "either"})


def _ids(words: Iterable[str]) -> frozenset[int]:
    """The string-store ids of ``words``, as the token arrays hold them."""
    return frozenset(get_string_id(w) for w in words)


_QUESTION_ENDS = _ids(("?", "？"))
_QUESTION_LABEL_ENDS = _ids((":", "."))
_QUESTION_CLAUSE_ENDS = _ids((",", ";", ":"))
_ASKED = np.asarray(sorted(_ids(("asked", "asking", "questioned"))), dtype=np.uint64)
_OPENERS = _ids(_QUESTION_OPENERS)
_Q = get_string_id("q")


def _question_tokens(arrays: np.ndarray, sentences: list) -> set[int]:
    """Tokens inside questions put to the applicant: a sentence ending in "?", a "Q:" line,
    or the clause after "asked whether / if / about" (up to the next comma or semicolon).
    Read from the token arrays (``arrays``: as :func:`token_arrays` gives them; no Token
    objects: they cost more than the rest)."""
    inside: set[int] = set()
    if not len(arrays) or not sentences:
        return inside
    orth = arrays[:, COL_ORTH].tolist()
    lower = arrays[:, COL_LOWER].tolist()
    space = arrays[:, COL_SPACE].astype(bool)
    words = np.flatnonzero(~space)
    bounds = np.asarray([(sent.start, sent.end) for sent in sentences], dtype=np.int64)
    first = np.searchsorted(words, bounds[:, 0]).tolist()
    stop = np.searchsorted(words, bounds[:, 1]).tolist()
    word_list = words.tolist()
    for index, sent in enumerate(sentences):
        lo, hi = first[index], stop[index]
        if lo == hi:
            continue
        if orth[word_list[hi - 1]] in _QUESTION_ENDS or (
                lower[word_list[lo]] == _Q and hi - lo > 1
                and orth[word_list[lo + 1]] in _QUESTION_LABEL_ENDS):
            inside.update(range(sent.start, sent.end))
    # "asked whether …": a word (not the last of its sentence) followed by an opener.
    asked = arrays[words, COL_LOWER]
    for t in words[(asked == _ASKED[0]) | (asked == _ASKED[1]) | (asked == _ASKED[2])].tolist():
        if t + 1 >= len(lower) or lower[t + 1] not in _OPENERS:
            continue
        index = _sentence_at(bounds, t)
        if stop[index] == 0 or t >= word_list[stop[index] - 1]:
            continue  # the sentence's last word
        end = int(bounds[index, 1])
        i = t + 1
        while i < end and orth[i] not in _QUESTION_CLAUSE_ENDS:
            inside.add(i)
            i += 1
    return inside


def _sentence_at(bounds: np.ndarray, token: int) -> int:
    """Index of the sentence (``bounds``: start and end token of each) holding ``token``."""
    return int(np.searchsorted(bounds[:, 0], token, side="right")) - 1


def _spread_negation(doc: Doc, hits: list[CueHit], spans: list[tuple[int, int, int]]
                     ) -> list[CueHit]:
    """A negation reaches along a list of grounds: in "not because of his race, religion,
    nationality or political opinion" every ground is negated, however long the list."""
    token_span = {(h.start, h.type): (start, end) for h, (_, start, end)
                  in zip(hits, spans, strict=True)}
    order = sorted(range(len(hits)), key=lambda k: hits[k].start)
    out = list(hits)
    last_negated_end: dict[int, int] = {}  # sentence → token end of the last negated ground
    for k in order:
        h = out[k]
        if h.family != "ground":
            continue
        start, end = token_span[(h.start, h.type)]
        if h.negated:
            last_negated_end[h.sentence] = max(end, last_negated_end.get(h.sentence, end))
            continue
        previous = last_negated_end.get(h.sentence)
        if previous is None or start < previous:
            continue
        between = doc[previous:start]
        if len(between) <= 8 and all(t.lower_ in _LIST_GLUE for t in between) and any(
                t.lower_ in (",", "or", "nor", "and") for t in between):
            out[k] = replace(h, negated=True)
            last_negated_end[h.sentence] = end
    return out


@dataclass(frozen=True)
class CueHit:
    """One cue found in a narrative."""

    type: str
    family: str
    text: str
    start: int  # character offsets in the narrative
    end: int
    sentence: int  # index into the document's sentences
    negated: bool = False
    hypothetical: bool = False
    weak: bool = False
    question: bool = False  # inside a question put to the applicant, not a statement
    hedged: bool = False  # Japanese: the applicant is not sure it happened or why
    subject: str | None = None  # a [never_b] subject: demonstration, religious community …

    @property
    def asserted(self) -> bool:
        """Neither negated nor a mere possibility."""
        return not self.negated and not self.hypothetical


_NORMED: set[int] = set()
_NEW_SUBJECT = frozenset("the they he she i we you my his her their our police soldiers army "
                         "someone somebody men people officers".split())
_NEW_SUBJECT_IDS = _ids(_NEW_SUBJECT)
_AND_COMMA = _ids(("and", ","))
_JA_CLAUSE_END = re.compile(r"[、。，,！？!?]|が、|けど|けれど")


@Language.component("triage_norm")
def _norm(doc: Doc) -> Doc:
    """Each word's NORM becomes its stem. The norm is set once per vocabulary entry (tokens
    read it from there), so a word seen before costs nothing."""
    vocab = doc.vocab
    for orth in set(doc.to_array(ORTH).tolist()) - _NORMED:
        lexeme = vocab[orth]
        lexeme.norm_ = stem(lexeme.lower_)
        _NORMED.add(orth)
    return doc


_SENTENCE_END = (".", "!", "?", "。", "！", "？", "…", ";")


class _Sentences:
    """Sentence boundaries after end punctuation and at blank lines (headings and list items
    in officers' summaries), computed on the token array rather than token by token."""

    def __init__(self, nlp: Language):
        self.ends = np.array(sorted(nlp.vocab.strings.add(p) for p in _SENTENCE_END),
                             dtype=np.uint64)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        arrays = token_arrays(doc)
        orth = arrays[:, COL_ORTH]
        space = arrays[:, COL_SPACE].astype(bool)
        end = orth == self.ends[0]
        for mark in self.ends[1:]:  # a few comparisons cost less than np.isin's set-up
            end |= orth == mark
        if space.any():
            strings = doc.vocab.strings
            newline = np.array(["\n" in strings[int(orth[i])] for i in np.flatnonzero(space)])
            end[np.flatnonzero(space)[newline]] = True
        start = np.zeros(len(doc), dtype=np.int64) - 1
        start[0] = 1
        after = np.flatnonzero(end[:-1]) + 1
        start[after] = 1
        doc.from_array([SENT_START], start.astype(np.uint64).reshape(-1, 1))
        return doc


@Language.factory("triage_sentences")
def _make_sentences(nlp: Language, name: str) -> _Sentences:
    return _Sentences(nlp)


class _TriggerMatcher:
    """Positions of negation / hypothetical triggers in a doc."""

    def __init__(self, nlp: Language, name: str, triggers: Triggers):
        self.triggers = triggers
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for key, phrases in (("before", triggers.before), ("after", triggers.after),
                             ("pseudo", triggers.pseudo), ("clause", triggers.clause)):
            docs = [Doc(nlp.vocab, words=list(p)) for p in phrases if p]
            for d in docs:
                for t in d:
                    t.norm_ = t.text
            if docs:
                self.matcher.add(f"{name}:{key}", docs)
        self.keys = {nlp.vocab.strings[f"{name}:{k}"]: k
                     for k in ("before", "after", "pseudo", "clause")}

    def find(self, doc: Doc) -> tuple[dict[int, int], list[tuple[int, int]], dict[int, int]]:
        """(end token of each 'before' trigger → its start, 'after' spans, end token of each
        'clause' trigger → its start)."""
        before: dict[int, int] = {}
        after: list[tuple[int, int]] = []
        pseudo: list[tuple[int, int]] = []
        clause: dict[int, int] = {}
        for match_id, start, end in self.matcher(doc):
            kind = self.keys.get(match_id)
            if kind == "before":
                before[end - 1] = start
            elif kind == "after":
                after.append((start, end))
            elif kind == "pseudo":
                pseudo.append((start, end))
            elif kind == "clause":
                clause[end - 1] = start
        for start, end in pseudo:
            for position in range(start, end):
                before.pop(position, None)
        return before, after, clause


class CueComponent:
    def __init__(self, nlp: Language, lexicon: Lexicon):
        self.lexicon = lexicon
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.ja_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.labels: dict[int, tuple[str, str, bool, str | None]] = {}
        en_subject = {term: subject for subject, en, _ in lexicon.never_b for term in en}
        ja_subject = {term: subject for subject, _, ja in lexicon.never_b for term in ja}

        def add(matcher: PhraseMatcher, prefix: str, cue, weak: bool,  # noqa: ANN001
                patterns: dict[tuple[str, ...], str | None]) -> None:
            by_subject: dict[str | None, list[Doc]] = {}
            for words, subject in patterns.items():
                if not words:
                    continue
                d = Doc(nlp.vocab, words=list(words))
                for t in d:
                    t.norm_ = t.text
                by_subject.setdefault(subject, []).append(d)
            for subject, docs in by_subject.items():
                key = f"{prefix}{cue.name}|{'weak' if weak else 'strong'}|{subject or ''}"
                matcher.add(key, docs)
                self.labels[nlp.vocab.strings[key]] = (cue.name, cue.family, weak, subject)

        for cue in lexicon.cue_types:
            for weak, terms, ja_terms in ((False, cue.terms, cue.ja_terms),
                                          (True, cue.weak_terms, cue.ja_weak_terms)):
                add(self.matcher, "", cue, weak, {t: en_subject.get(t) for t in terms})
                add(self.ja_matcher, "ja:", cue, weak,
                    {variant: ja_subject.get(t) for t in ja_terms
                     for variant in japanese.term_variants(t)})
        self.negation = _TriggerMatcher(nlp, "neg", lexicon.negation)
        self.hypothetical = _TriggerMatcher(nlp, "hyp", lexicon.hypothetical)
        self.ja = [(cue.name, cue.family, term) for cue in lexicon.cue_types
                   for term in cue.ja_terms]
        self.ja_rules = JapaneseMarkers(lexicon.japanese)
        self.terminators = _ids(lexicon.negation.terminators)

    def __call__(self, doc: Doc) -> Doc:
        sentences = sentences_of(doc)
        lengths = [sent.end - sent.start for sent in sentences]
        sentence_of = np.repeat(np.arange(len(sentences)), lengths).tolist()
        neg_before, neg_after, neg_clause = self.negation.find(doc)
        hyp_before, _, _ = self.hypothetical.find(doc)
        spans = [(match_id, start, end) for match_id, start, end in self.matcher(doc)]
        # The words as ids, read once: no Token objects in the loops below.
        arrays = token_arrays(doc)
        questions = _question_tokens(arrays, sentences)
        norms = arrays[:, COL_NORM].tolist()
        lowers = arrays[:, COL_LOWER].tolist()
        starts = arrays[:, COL_IDX].tolist()
        ends = (arrays[:, COL_IDX] + arrays[:, COL_LENGTH]).tolist()
        text = text_of(doc) if spans else ""
        words = (norms, lowers, self.terminators)
        # Overlapping terms of different types all count: "police arrested the" is both a
        # state agent, a harm and (as a phrase) state protection.
        hits: list[CueHit] = []
        for match_id, start, end in spans:
            name, family, weak, subject = self.labels[match_id]
            sent = sentence_of[start]
            negated = self._reaches(words, start, neg_before, sent, sentence_of,
                                    self.lexicon.negation.window)
            if not negated and neg_clause:
                negated = self._reaches(words, start, neg_clause, sent, sentence_of,
                                        self.lexicon.negation.clause_window)
            if not negated:
                negated = any(a_start >= end and a_start - end <= 6
                              and sentence_of[a_start] == sent for a_start, _ in neg_after)
            hypothetical = self._reaches(words, start, hyp_before, sent, sentence_of,
                                         self.lexicon.hypothetical.window)
            start_char, end_char = starts[start], ends[end - 1]
            question = start in questions
            hits.append(CueHit(name, family, text[start_char:end_char], start_char, end_char,
                               sent, negated, hypothetical or question, weak, question,
                               subject=subject))
        hits = _spread_negation(doc, hits, spans)
        if doc.user_data.get("triage_lang") == "ja":
            hits.extend(self._japanese_morphemes(doc, sentences))
        elif _CJK.search(text_of(doc)):
            hits.extend(self._japanese(doc, sentences))
        hits.sort(key=lambda h: (h.start, h.type))
        doc._.cues = hits
        return doc

    @staticmethod
    def _reaches(words: tuple[list[int], list[int], frozenset[int]], start: int,
                 triggers: dict[int, int], sent: int, sentence_of: list[int],
                 window: int) -> bool:
        """Whether a trigger ending before ``start`` reaches it within the clause
        (``words``: each token's NORM and LOWER id, and the terminators' ids)."""
        norms, lowers, terminators = words
        position = start - 1
        lowest = max(start - window, 0)
        while position >= lowest and sentence_of[position] == sent:
            if position in triggers:
                return True
            norm = norms[position]
            if norm in terminators:
                return False
            if norm in _AND_COMMA and lowers[position + 1] in _NEW_SUBJECT_IDS:
                return False  # "… and the police tortured me" starts a new clause
            position -= 1
        return False

    def _japanese_morphemes(self, doc: Doc, sentences: list) -> list[CueHit]:
        """Cues of a doc made of Sudachi morphemes, matched on normalised forms, with Japanese
        negation, conditions, fears, hedges and questions read per clause."""
        matches = self.ja_matcher(doc)
        if not matches:
            return []
        strings = doc.vocab.strings
        arrays = doc.to_array([ORTH, NORM, TAG, IDX])
        orth = [strings[int(v)] for v in arrays[:, 0]]
        norm = [strings[int(v)] for v in arrays[:, 1]]
        tag = [strings[int(v)] for v in arrays[:, 2]]
        starts = arrays[:, 3].astype(np.int64)
        text = text_of(doc)
        # A term inside a longer compound word of another term is that word, not the term:
        # 政府 in 反政府, 治安 in 治安部隊, 民族 in 少数民族 counted once.
        compounds = {(s, e) for _, s, e in matches if e - s > 1 and all(
            tag[i].startswith(("名詞", "接頭辞", "接尾辞")) for i in range(s, e))}
        # … and a term inside a longer term of its own type is that term (仕事 in 仕事がない).
        spans_of: dict[str, list[tuple[int, int]]] = {}
        for m, s, e in matches:
            spans_of.setdefault(self.labels[m][0], []).append((s, e))
        kept = [(m, s, e) for m, s, e in matches if not any(
            cs <= s and e <= ce and ce - cs > e - s for cs, ce in compounds) and not any(
            cs <= s and e <= ce and ce - cs > e - s for cs, ce in spans_of[self.labels[m][0]])]
        marks = self.ja_rules.read(text, orth, norm, tag, starts, sentences)
        hits = []
        seen = set()
        for match_id, start, end in kept:
            name, family, weak, subject = self.labels[match_id]
            if (name, start, end) in seen:
                continue
            seen.add((name, start, end))
            sent = marks.sentence_of[start]
            negated = marks.negated(start, end)
            question = marks.question(start)
            hedged = marks.hedged(start, end) and not negated
            hypothetical = marks.hypothetical(start, end) or hedged or question
            begin = int(starts[start])
            finish = int(starts[end - 1]) + len(orth[end - 1])
            hits.append(CueHit(name, family, text[begin:finish], begin, finish, sent, negated,
                               hypothetical, weak, question, hedged, subject))
        return hits

    def _japanese(self, doc: Doc, sentences: list) -> list[CueHit]:
        """Japanese words inside an English text: the terms found as substrings."""
        text = text_of(doc)
        neg = self.lexicon.negation.ja
        hyp = self.lexicon.hypothetical.ja
        hits = []
        for match in _JA_SENTENCE.finditer(text):
            sentence = match.group(0)
            if not _CJK.search(sentence):
                continue
            base = match.start()
            for name, family, term in self.ja:
                at = sentence.find(term)
                while at >= 0:
                    tail = sentence[at + len(term): at + len(term) + 14]
                    tail = _JA_CLAUSE_END.split(tail, maxsplit=1)[0]
                    negated = any(n in tail for n in neg)
                    hypothetical = any(h in sentence[:at] for h in hyp)
                    hits.append(CueHit(name, family, term, base + at, base + at + len(term),
                                       _sentence_index(sentences, base + at), negated,
                                       hypothetical, False))
                    at = sentence.find(term, at + len(term))
        return hits


def _sentence_index(sentences: list, char: int) -> int:
    for index, sent in enumerate(sentences):
        if sent.start_char <= char < sent.end_char:
            return index
    return max(len(sentences) - 1, 0)


@Language.factory("triage_cues", default_config={"cues_path": None})
def _make_cues(nlp: Language, name: str, cues_path: str | None) -> CueComponent:
    return CueComponent(nlp, load_lexicon(Path(cues_path)) if cues_path else default_lexicon())


def build(cues_path: Path | None = None) -> Language:
    """A fresh pipeline (``cues_path`` defaults to the shipped cue file)."""
    nlp = spacy.blank("en")
    # Japanese sentences run on without spaces: their end marks split tokens, so that each
    # sentence is one sentence to the pipeline (and to the repeat-claim comparison).
    infixes = [*nlp.Defaults.infixes, r"[。！？]"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    # spaCy caches how each whitespace-separated chunk splits, but only its first 10,000
    # chunks: a batch of long allegations (tens of thousands of distinct chunks: names,
    # dates, places) fills that early and then splits every later new chunk again and again.
    # The cache only ever returns what the rules give, so a larger one changes no token.
    nlp.tokenizer.max_cache_size = TOKENIZER_CACHE
    # A mostly Japanese text is cut into Sudachi's morphemes instead (triage.japanese).
    nlp.tokenizer = japanese.Tokenizer(nlp.tokenizer, nlp.vocab)
    nlp.add_pipe("triage_norm")
    nlp.add_pipe("triage_sentences")
    nlp.add_pipe("triage_cues", config={"cues_path": str(cues_path) if cues_path else None})
    nlp.max_length = 2_000_000
    return nlp


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The shared pipeline of this process."""
    return build()


def text_of(doc: Doc) -> str:
    """The doc's text. ``Doc.text`` rebuilds it token by token (a Python object per token);
    the docs made here keep the text they were made from (spaCy never changes it)."""
    text = doc.user_data.get("triage_text")
    if text is None:
        text = doc.text
        doc.user_data["triage_text"] = text
    return text


#: Columns of :func:`token_arrays`.
TOKEN_ATTRS = (ORTH, LOWER, IS_SPACE, NORM, IDX, LENGTH, IS_PUNCT)
COL_ORTH, COL_LOWER, COL_SPACE, COL_NORM, COL_IDX, COL_LENGTH, COL_PUNCT = range(7)


def token_arrays(doc: Doc) -> np.ndarray:
    """The doc's tokens as one array (columns :data:`TOKEN_ATTRS`), read once per doc: the
    pipeline's components and the readings after it share it. Read after ``triage_norm``,
    the last step that changes a token's NORM."""
    arrays = doc.user_data.get("triage_arrays")
    if arrays is None:
        arrays = doc.to_array(list(TOKEN_ATTRS))
        doc.user_data["triage_arrays"] = arrays
    return arrays


def words_text(doc: Doc) -> str:
    """The text as the word vectorisers read it: an English doc as written, a Japanese one as
    its morphemes' normalised forms separated by spaces (Japanese has no spaces between
    words, so a vectoriser would otherwise read whole runs of text as one word)."""
    if doc.user_data.get("triage_lang") != "ja":
        return text_of(doc)
    cached = doc.user_data.get("triage_words")
    if cached is None:
        strings = doc.vocab.strings
        rows = doc.to_array([NORM, IS_SPACE]).tolist()
        cached = " ".join(strings[norm] for norm, space in rows if not space)
        doc.user_data["triage_words"] = cached
    return cached


def sentences_of(doc: Doc) -> list:
    """The doc's sentences, built once per doc."""
    sentences = doc.user_data.get("triage_sentences")
    if sentences is None:
        sentences = list(doc.sents) if len(doc) else []
        doc.user_data["triage_sentences"] = sentences
    return sentences


def _made(texts: Iterable[str]) -> Iterator[Doc]:
    nlp = pipeline()
    for text in texts:
        # Hard wraps and odd spaces made plain (layout.regular keeps every offset).
        text = regular(text)
        doc = nlp.make_doc(text)
        doc.user_data["triage_text"] = text
        yield doc


def analyse(text: str) -> Doc:
    return next(analyse_many([text]))


def analyse_many(texts: Iterable[str], batch_size: int = 64) -> Iterator[Doc]:
    yield from pipeline().pipe(_made(texts), batch_size=batch_size)
