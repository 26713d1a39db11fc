"""Japanese morphological analysis for the triage pipeline: SudachiPy with its core dictionary
(``sudachidict_core``, installed from the package registry; nothing is downloaded at run time).

SudachiPy is called directly rather than through ``spacy.blank("ja")``: spaCy's Japanese
tokenizer wraps the same analyser but builds a detailed tuple per morpheme (readings, inflection,
sub-tokens of three split modes) that the triage never reads, and it would make Japanese a second
pipeline with its own vocabulary. Here a Japanese narrative becomes a spaCy ``Doc`` of the one
triage pipeline: each token is one Sudachi morpheme (split mode A, the shortest units, so that
警察官 holds 警察 and 少数民族 holds 民族), its NORM is Sudachi's normalised form (連行された,
連行されました and 連行され all hold the token 連行; 殴られた holds 殴る) and its TAG the
part of speech (``名詞-普通名詞``, ``助動詞`` …). Cue terms are analysed the same way, so a term
matches whole morphemes and never the inside of a longer word (夫 is not in 大丈夫 or 工夫).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from spacy.attrs import NORM
from spacy.tokens import Doc
from spacy.vocab import Vocab

#: Sudachi refuses inputs over 49,149 bytes; texts are cut at sentence ends below this.
_MAX_CHARS = 12_000
_CUT = re.compile(r"[。！？!?\n]")
#: A Japanese character (kana, kanji, half-width katakana) and a Latin letter: what tells a
#: Japanese text from the rest, here and in :mod:`triage.language` and :mod:`triage.layout`.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
LATIN = re.compile(r"[A-Za-z]")


def is_japanese(text: str) -> bool:
    """Whether the text is mostly Japanese (the rule of ``triage.language.language_of``)."""
    cjk = len(CJK.findall(text))
    return cjk > 0 and cjk > len(LATIN.findall(text)) / 3


@lru_cache(maxsize=1)
def _tokenizer():  # noqa: ANN202 - sudachipy's Tokenizer
    from sudachipy import Dictionary, SplitMode

    # Only the fields read here are loaded per morpheme (about 40% faster than all of them).
    return Dictionary(dict="core").tokenizer(mode=SplitMode.A,
                                             fields={"pos", "normalized_form"})


@lru_cache(maxsize=1)
def _pos_names() -> dict[int, str]:
    return {}


def _pos(morpheme) -> str:  # noqa: ANN001
    """``major-minor`` part of speech, cached by Sudachi's id (one tuple per id, not per word)."""
    names = _pos_names()
    key = morpheme.part_of_speech_id()
    name = names.get(key)
    if name is None:
        parts = morpheme.part_of_speech()
        name = parts[0] if parts[1] == "*" else f"{parts[0]}-{parts[1]}"
        names[key] = name
    return name


def _chunks(text: str) -> list[str]:
    if len(text) <= _MAX_CHARS:
        return [text]
    out, start = [], 0
    while start < len(text):
        end = min(start + _MAX_CHARS, len(text))
        if end < len(text):
            cut = None
            for m in _CUT.finditer(text, start + _MAX_CHARS // 2, end):
                cut = m.end()
            end = cut or end
        out.append(text[start:end])
        start = end
    return out


def morphemes(text: str) -> list[tuple[str, str, str]]:
    """(surface, normalised form, part of speech) of each morpheme; the surfaces joined give
    the text back exactly."""
    tokenizer = _tokenizer()
    out = []
    for chunk in _chunks(text):
        for m in tokenizer.tokenize(chunk):
            out.append((m.surface(), m.normalized_form(), _pos(m)))
    return out


def norm_of(surface: str, normalised: str) -> str:
    """The matching form of one morpheme: Sudachi's normalised form for Japanese, the
    lower-cased word for Latin script (the English stems come from ``triage_norm``)."""
    return normalised if CJK.search(surface) else surface.lower()


@lru_cache(maxsize=4096)
def term_norms(term: str) -> tuple[str, ...]:
    """A cue term as the sequence of normalised forms the matcher compares."""
    return tuple(norm_of(s, n) for s, n, pos in morphemes(term) if not s.isspace())


#: Sentences a term is also analysed in: Sudachi may cut a word differently in a sentence
#: (裏切り者 alone is 裏切り+者, after は it is 裏切る+者), and a term must match either way.
_FRAMES = ("私は{}と言った。", "その{}が来た。", "{}を見た。")


@lru_cache(maxsize=4096)
def term_variants(term: str) -> tuple[tuple[str, ...], ...]:
    """The normalised-form sequences of a cue term: alone and inside a few sentences (only
    where the sentence cuts the term at its own edges)."""
    variants = {term_norms(term)}
    for frame in _FRAMES:
        at = frame.index("{}")
        text = frame.format(term)
        position, inside, aligned = 0, [], {at: False, at + len(term): False}
        for surface, normalised, _ in morphemes(text):
            if position in aligned:
                aligned[position] = True
            if at <= position and position + len(surface) <= at + len(term):
                inside.append(norm_of(surface, normalised))
            position += len(surface)
        if position in aligned:
            aligned[position] = True
        if all(aligned.values()) and inside:
            variants.add(tuple(inside))
    return tuple(sorted(v for v in variants if v))


#: A Japanese line shorter than this is a heading or a list item, never a wrap.
MIN_WRAPPED_LINE = 15
_BREAK = re.compile(r"\r?\n")
#: Characters a Japanese sentence or heading ends with: a line ending in one is not wrapped.
_JA_ENDS = frozenset("。！？!?」』）)】〕>＞：:")
#: Marks a wrap can carry to the start of the next line (the rest of a clause or sentence).
_JA_CARRIED = frozenset("、。，．！？」』）々ー")
#: A line starting like this begins a list item or a numbered paragraph.
_JA_LIST_START = re.compile(r"[・●○■□◆◇※＊*•\-－―‐]"
                            r"|[（(]?[0-9０-９一二三四五六七八九十]{1,3}[）).．、]")


def wrap_breaks(text: str) -> list[tuple[int, int]]:
    """Spans of the line breaks of a Japanese text that only wrap a line (text copied from a
    PDF or a word processor breaks every 20 to 40 characters, even inside a word): the line
    before is at least :data:`MIN_WRAPPED_LINE` characters and does not end a sentence, a
    quotation or a heading, and the next line goes straight on in Japanese (no indent, no
    list mark)."""
    out = []
    line_start = 0
    for match in _BREAK.finditer(text):
        line = text[line_start:match.start()]
        line_start = match.end()
        after = text[match.end():match.end() + 4]
        if (len(line.strip()) >= MIN_WRAPPED_LINE and line[-1] not in _JA_ENDS
                and (CJK.match(line[-1]) or line[-1] in "、，,")
                and after and (CJK.match(after[0]) or after[0] in _JA_CARRIED)
                and not _JA_LIST_START.match(after)):
            out.append((match.start(), match.end()))
    return out


def _surfaces(text: str) -> list[tuple[str, str, str]]:
    """:func:`morphemes` of ``text`` read with its wrapping line breaks taken out, so a word
    or a sentence carried over a line is analysed whole; each surface is then the original
    stretch of text again (a break inside or after a morpheme stays in that morpheme), so the
    surfaces still give the text back exactly."""
    breaks = wrap_breaks(text) if "\n" in text else []
    if not breaks:
        return morphemes(text)
    kept: list[str] = []
    origin: list[int] = []  # for each character of the joined text, its place in ``text``
    position = 0
    for start, end in breaks + [(len(text), len(text))]:
        kept.append(text[position:start])
        origin.extend(range(position, start))
        position = end
    analysed = morphemes("".join(kept))
    out = []
    at = 0
    for index, (surface, normalised, pos) in enumerate(analysed):
        begin = origin[at] if at < len(origin) else len(text)
        at += len(surface)
        finish = (origin[at] if at < len(origin) else len(text)) \
            if index + 1 < len(analysed) else len(text)
        out.append((text[begin:finish], normalised, pos))
    return out


def make_doc(vocab: Vocab, text: str) -> Doc:
    """A spaCy doc of Sudachi morphemes: text exactly as given, NORM the normalised form of
    Japanese words, TAG the part of speech, ``user_data['triage_lang'] = 'ja'``."""
    words: list[str] = []
    spaces: list[bool] = []
    tags: list[str] = []
    norms: list[str] = []
    for surface, normalised, pos in _surfaces(text):
        if not surface:  # Sudachi gives some joined forms an empty morpheme
            continue
        if surface == " " and words and not spaces[-1] and not words[-1].isspace():
            spaces[-1] = True
            continue
        words.append(surface)
        spaces.append(False)
        tags.append(pos)
        norms.append(norm_of(surface, normalised))
    doc = Doc(vocab, words=words, spaces=spaces, tags=tags or None)
    doc.user_data["triage_lang"] = "ja"
    japanese = [i for i, (w, n) in enumerate(zip(words, norms, strict=True))
                if n != w.lower() and CJK.search(w)]
    if japanese:
        strings = vocab.strings
        # 0 leaves a token to its word's norm (the English stem that triage_norm sets).
        values = np.zeros((len(doc), 1), dtype=np.uint64)
        for i in japanese:
            values[i, 0] = strings.add(norms[i])
        doc.from_array([NORM], values)
    return doc


class Tokenizer:
    """The pipeline's tokenizer: Sudachi for a mostly Japanese text, spaCy's English rules for
    everything else."""

    def __init__(self, english, vocab: Vocab):  # noqa: ANN001 - spacy.tokenizer.Tokenizer
        self.english = english
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        if is_japanese(text):
            return make_doc(self.vocab, text)
        return self.english(text)

    def pipe(self, texts, batch_size: int = 1000):  # noqa: ANN001, ANN201
        for text in texts:
            yield self(text)
