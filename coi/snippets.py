"""Keyword-in-context snippets: the part of a passage around the words that matched,
with those words marked. Computed from the query, in Python, so that both search backends
show exactly the same snippet for the same passage."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coi.cjk import (
    _CJK,
    BIGRAMS,
    READING_MARK,
    WORD_MARK,
    WORDS,
    bigrams,
    fold,
    is_japanese_run,
    ja_method,
    japanese_words,
    query_forms,
    query_terms,
    stem,
)
from coi.query import And, Node, Not, Or, Phrase, Term

_LETTERS = f"[^\\W_{_CJK}]"
_SPAN = re.compile(f"(?P<cjk>[{_CJK}]+)|(?P<word>{_LETTERS}+(?:[\u0300-\u036f]+{_LETTERS}*)*)")

Segment = tuple[str, bool]  # (text, is a matched word)


@dataclass(frozen=True)
class Pattern:
    tokens: tuple[str, ...]
    prefix: bool = False  # the last token need only begin with tokens[-1]
    stemmed: bool = False  # a single word that also matches words of the same stem


def patterns(node: Node | None) -> list[Pattern]:
    """The token sequences to mark for a query (words under NOT are not marked)."""
    out: list[Pattern] = []

    def walk(n: Node) -> None:
        if isinstance(n, Term):
            forms = query_forms(n.word)
            if len(forms) == 1 and len(forms[0]) == 1 and not n.prefix \
                    and stem(forms[0][0]) is not None:
                out.append(Pattern(tuple(forms[0]), stemmed=True))
                return
            for terms in forms:
                out.append(Pattern(tuple(terms), n.prefix))
        elif isinstance(n, Phrase):
            if n.within is None:
                terms = [t for w in n.words for t in query_terms(w)]
                if terms:
                    out.append(Pattern(tuple(terms)))
            else:
                for w in n.words:
                    terms = query_terms(w)
                    if terms:
                        out.append(Pattern(tuple(terms)))
        elif isinstance(n, And | Or):
            for child in n.children:
                walk(child)
        elif isinstance(n, Not):
            return

    if node is not None:
        walk(node)
    return out


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Index tokens of ``text`` with their character offsets in the original text (the
    in-place tokens; see ``token_streams`` for the marked words and readings)."""
    return token_streams(text)[0]


def token_streams(text: str) -> list[list[tuple[str, int, int]]]:
    """The token sequences of ``text`` a query pattern can match, each token with its
    character offsets: the in-place tokens, then (Japanese indexed by words) the marked
    words and the readings, each a sequence of its own as in the index."""
    spans: list[tuple[str, int, int]] = []
    marked: list[tuple[str, int, int]] = []
    readings: list[tuple[str, int, int]] = []
    method = ja_method()
    for match in _SPAN.finditer(text):
        start = match.start()
        if match.group("cjk") is not None:
            run = match.group("cjk")
            folded = fold(run)
            same_width = len(folded) == len(run)
            if method == BIGRAMS or not is_japanese_run(folded):
                words = []
            else:
                words = [(w, start + w.start, start + w.end) if same_width
                         else (w, start, match.end()) for w in japanese_words(folded)]
                readings.extend((READING_MARK + w.reading, s, e) for w, s, e in words
                                if w.reading)
            if method == WORDS and words:
                spans.extend((w.form, s, e) for w, s, e in words)
                continue
            marked.extend((WORD_MARK + w.form, s, e) for w, s, e in words)
            if not same_width:  # width changes: mark the whole run
                spans.extend((b, start, match.end()) for b in bigrams(folded))
                continue
            for i, pair in enumerate(bigrams(folded)):
                spans.append((pair, start + i, start + i + len(pair)))
        else:
            for token in fold(match.group()).split():
                spans.append((token, start, match.end()))
    return [spans, marked, readings]


def _matches(spans: list[tuple[str, int, int]], pattern: Pattern) -> list[tuple[int, int]]:
    n = len(pattern.tokens)
    first = pattern.tokens[0]
    if pattern.stemmed:
        root = stem(first)
        return [(s, e) for token, s, e in spans if token == first or stem(token) == root]
    if n == 1:
        if pattern.prefix:
            return [(s, e) for token, s, e in spans if token.startswith(first)]
        return [(s, e) for token, s, e in spans if token == first]
    found: list[tuple[int, int]] = []
    rest = pattern.tokens[1:]
    for i in [i for i, span in enumerate(spans[:len(spans) - n + 1]) if span[0] == first]:
        ok = True
        for j, wanted in enumerate(rest, start=1):
            token = spans[i + j][0]
            if not (token == wanted or (j == n - 1 and pattern.prefix
                                        and token.startswith(wanted))):
                ok = False
                break
        if ok:
            found.append((spans[i][1], spans[i + n - 1][2]))
    return found


def _stream_of(pattern: Pattern) -> int:
    """Which of ``token_streams`` a pattern can match in (by the mark of its tokens)."""
    first = pattern.tokens[0]
    if first.startswith(WORD_MARK):
        return 1
    if first.startswith(READING_MARK):
        return 2
    return 0


def highlight(text: str, pats: list[Pattern]) -> list[tuple[int, int]]:
    """Character ranges of ``text`` matched by any pattern, merged and sorted."""
    if not pats:
        return []
    streams = token_streams(text)
    ranges = sorted(r for p in pats for r in _matches(streams[_stream_of(p)], p))
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(text: str, pats: list[Pattern], width: int = 260) -> list[Segment]:
    """The passage cut to about ``width`` characters around its densest matches."""
    ranges = highlight(text, pats)
    if len(text) <= width:
        start, end = 0, len(text)
    else:
        if ranges:
            # The window that holds the most matches, starting a little before one of them.
            best, best_count = ranges[0][0], -1
            for r_start, _ in ranges:
                count = sum(1 for s, e in ranges if r_start <= s and e <= r_start + width)
                if count > best_count:
                    best, best_count = r_start, count
            start = max(0, best - width // 4)
        else:
            start = 0
        end = min(len(text), start + width)
        if end == len(text):
            start = max(0, end - width)
        # Do not cut words in half (Latin text); CJK text has no spaces to look for.
        if start > 0:
            space = text.find(" ", start, start + 20)
            start = space + 1 if space != -1 else start
        if end < len(text):
            space = text.rfind(" ", end - 20, end)
            end = space if space != -1 else end
    segments: list[Segment] = []
    if start > 0:
        segments.append(("… ", False))
    position = start
    for r_start, r_end in ranges:
        if r_end <= start or r_start >= end:
            continue
        r_start, r_end = max(r_start, start), min(r_end, end)
        if r_start > position:
            segments.append((text[position:r_start], False))
        segments.append((text[r_start:r_end], True))
        position = r_end
    if position < end:
        segments.append((text[position:end], False))
    if end < len(text):
        segments.append((" …", False))
    return segments


def marked(segments: list[Segment], before: str = "**", after: str = "**") -> str:
    """Segments as one string with matches wrapped in ``before``/``after``."""
    return "".join(f"{before}{t}{after}" if hit else t for t, hit in segments)
