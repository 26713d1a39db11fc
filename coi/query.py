"""The search language COI researchers use on the main COI portals, parsed once and
translated for each full-text backend.

    asylum seekers            both words (implicit AND; AND may be written)
    Taliban OR ISKP           either
    journalist NOT sport      the first without the second
    "forced marriage"         the exact phrase
    "police torture"~5        both words within five words of each other
    persecut*                 a word beginning with "persecut" (not at the start of a word)
    (Hazara OR Shia) attack   parentheses group

Operators are capitalised (a lower-case "or" is a word); words are case-insensitive.
Japanese and other unsegmented scripts are matched as ``coi.cjk`` indexes them (character
bigrams, or Japanese words in their normalised forms); a Japanese query word matches any of
its forms (a kana query also the kanji spelling's reading).

A query is bounded so that no one can make the parser recurse without end or the database
build a huge query: at most ``MAX_QUERY_CHARS`` characters, ``MAX_DEPTH`` levels of
parentheses and NOT, ``MAX_TERMS`` words and a proximity of at most ``MAX_PROXIMITY``
words (the COI portals' examples use 3 to 10; beyond a sentence or two, proximity means
little, and on PostgreSQL each allowed distance is one more alternative in the tsquery).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coi.cjk import has_cjk, query_forms, query_terms, word_alternatives

MAX_QUERY_CHARS = 1000
MAX_DEPTH = 10
MAX_TERMS = 50
MAX_PROXIMITY = 50


class QueryError(ValueError):
    """A query the user must correct; the message says how. ``key`` and ``values`` name the
    message in the workbench's catalogues (``coi.query_error.<key>``), when it has one."""

    def __init__(self, message: str, key: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Term:
    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    within: int | None = None  # proximity: at most this many other words between them


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Phrase | Not | And | Or

_TOKEN = re.compile(r'\s*(?:(?P<paren>[()])|"(?P<phrase>[^"]*)"(?:~(?P<near>\d+))?|'
                    r'(?P<word>[^\s()"]+))')


def _proximity(digits: str) -> int:
    """The distance of ``"a b"~N``, refused above ``MAX_PROXIMITY``."""
    if len(digits) > 6 or int(digits) > MAX_PROXIMITY:
        raise QueryError(f"Proximity can be at most {MAX_PROXIMITY} words (~{MAX_PROXIMITY}).",
                         "proximity", limit=MAX_PROXIMITY)
    return int(digits)


def _tokens(query: str) -> list[tuple[str, str, int | None]]:
    tokens: list[tuple[str, str, int | None]] = []
    position = 0
    stripped = query.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None:
            if stripped[position:].lstrip().startswith('"'):
                raise QueryError('A phrase is missing its closing quotation mark (").')
            raise QueryError(f"Cannot read the query near: {stripped[position:][:20]!r}")
        if match.group("paren"):
            tokens.append(("paren", match.group("paren"), None))
        elif match.group("phrase") is not None:
            near = match.group("near")
            tokens.append(("phrase", match.group("phrase"), _proximity(near) if near else None))
        else:
            tokens.append(("word", match.group("word"), None))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str, int | None]]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0  # parentheses and NOTs open around the current position

    def enter(self) -> None:
        """One level deeper; refused beyond ``MAX_DEPTH`` (so recursion stays shallow)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(f"The query nests parentheses or NOT more than {MAX_DEPTH} "
                             "levels deep; simplify it.", "depth", limit=MAX_DEPTH)

    def peek(self) -> tuple[str, str, int | None] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int | None]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() is not None:
            raise QueryError("There is a closing parenthesis without an opening one.")
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.peek() == ("word", "OR", None):
            self.take()
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self) -> Node:
        children = [self.unary()]
        while True:
            token = self.peek()
            if token is None or token == ("paren", ")", None) or token == ("word", "OR", None):
                break
            if token == ("word", "AND", None):
                self.take()
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self) -> Node:
        token = self.peek()
        if token == ("word", "NOT", None):
            self.take()
            self.enter()
            child = self.unary()
            self.depth -= 1
            return Not(child)
        return self.primary()

    def primary(self) -> Node:
        if self.peek() is None:
            raise QueryError("The query ends where a word was expected.")
        kind, value, near = self.take()
        if kind == "paren":
            if value == ")":
                raise QueryError("A closing parenthesis comes before anything to group.")
            self.enter()
            node = self.or_expr()
            if self.peek() != ("paren", ")", None):
                raise QueryError("An opening parenthesis is never closed.")
            self.take()
            self.depth -= 1
            return node
        if kind == "phrase":
            words = tuple(w for w in value.split() if w)
            if not words:
                raise QueryError("A phrase in quotation marks is empty.")
            for word in words:
                _check_word(word, allow_prefix=False)
            return Phrase(words, near)
        if value in ("AND", "OR"):
            raise QueryError(f"{value} needs a word on each side.")
        _check_word(value, allow_prefix=True)
        return Term(value.rstrip("*").lower(), prefix=value.endswith("*"))


def _check_word(word: str, *, allow_prefix: bool) -> None:
    if word.startswith("*") or word.startswith("?"):
        raise QueryError(f"A wildcard cannot start a word ({word}); put it at the end: "
                         "persecut*.")
    if "?" in word or "*" in word.rstrip("*"):
        raise QueryError(f"Only a trailing * is supported as a wildcard ({word}).")
    if word.endswith("*") and not allow_prefix:
        raise QueryError(f"A wildcard cannot be used inside a phrase ({word}).")
    if not query_terms(word.rstrip("*")):
        raise QueryError(f"{word} has no letters or digits to search for.")


_OPERATORS = frozenset({"AND", "OR", "NOT"})


def parse(query: str) -> Node:
    """Parse a search query; raises QueryError with a message for the user."""
    if not query or not query.strip():
        raise QueryError("Type one or more words to search for.")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"The query is {len(query):,} characters long; keep it under "
                         f"{MAX_QUERY_CHARS:,}.", "length", length=len(query),
                         limit=MAX_QUERY_CHARS)
    tokens = _tokens(query)
    words = sum(len(value.split()) if kind == "phrase" else value not in _OPERATORS
                for kind, value, _ in tokens if kind != "paren")
    if words > MAX_TERMS:
        raise QueryError(f"The query has {words} words; use at most {MAX_TERMS}.", "terms",
                         count=words, limit=MAX_TERMS)
    node = _Parser(tokens).parse()
    _check_positive(node)
    return node


def _check_positive(node: Node) -> None:
    """Every alternative must ask for something, not only exclude."""
    if isinstance(node, Not):
        raise QueryError("NOT needs something to search for beside what it excludes.")
    if isinstance(node, Or):
        for child in node.children:
            _check_positive(child)
    if isinstance(node, And):
        if all(isinstance(c, Not) for c in node.children):
            raise QueryError("NOT needs something to search for beside what it excludes.")
        for child in node.children:
            if not isinstance(child, Not):
                _check_positive(child)


# --- SQLite FTS5 -----------------------------------------------------------------------------


def _fts_quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_phrase(words: tuple[str, ...] | list[str]) -> str:
    terms: list[str] = []
    for word in words:
        terms.extend(query_terms(word))
    return _fts_quote(" ".join(terms))


def term_alternatives(term: Term) -> list[str]:
    """The index tokens a single-word ``term`` matches (the word and its stem forms, see
    ``coi.cjk.word_alternatives``); [] for a wildcard or a word of several tokens, which
    match as written."""
    if term.prefix:
        return []
    terms = query_terms(term.word)
    return word_alternatives(terms[0]) if len(terms) == 1 else []


def term_forms(term: Term) -> list[list[str]]:
    """The token sequences ``term`` matches, any one of them: a word's stem forms (one token
    each), a Japanese word's alternatives (``coi.cjk.query_forms``), else the word's tokens."""
    single = term_alternatives(term)
    if len(single) > 1:
        return [[t] for t in single]
    return query_forms(term.word)


def to_fts5(node: Node) -> str:
    """An FTS5 MATCH expression for ``node`` against text indexed with ``cjk.index_form``."""
    if isinstance(node, Term):
        if node.prefix and not has_cjk(node.word):
            return _fts_phrase([node.word]) + "*"
        forms = term_forms(node)
        if len(forms) > 1:
            return "(" + " OR ".join(_fts_quote(" ".join(f)) for f in forms) + ")"
        return _fts_quote(" ".join(forms[0]))
    if isinstance(node, Phrase):
        if node.within is None or len(node.words) < 2:
            return _fts_phrase(node.words)
        parts = " ".join(_fts_phrase([w]) for w in node.words)
        # As on the COI portals, "a b"~5 allows up to five words between them; FTS5's NEAR
        # counts the same thing.
        return f"NEAR({parts}, {node.within})"
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts5(c) for c in node.children) + ")"
    if isinstance(node, And):
        positive = [to_fts5(c) for c in node.children if not isinstance(c, Not)]
        negative = [to_fts5(c.child) for c in node.children if isinstance(c, Not)]
        text = "(" + " AND ".join(positive) + ")"
        for excluded in negative:
            text = f"({text} NOT {excluded})"
        return text
    raise QueryError("NOT needs something to search for beside what it excludes.")


# --- PostgreSQL tsquery ----------------------------------------------------------------------


def _ts_lexeme(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "\\\\") + "'"


def _ts_tokens(terms: list[str]) -> str:
    """Index tokens in sequence: one lexeme, or a ``<->`` phrase in parentheses."""
    if len(terms) == 1:
        return _ts_lexeme(terms[0])
    return "(" + " <-> ".join(_ts_lexeme(t) for t in terms) + ")"


def _ts_sequence(words: tuple[str, ...] | list[str]) -> str:
    terms: list[str] = []
    for word in words:
        terms.extend(query_terms(word))
    return "(" + " <-> ".join(_ts_lexeme(t) for t in terms) + ")"


def to_tsquery(node: Node) -> str:
    """A ``to_tsquery('simple', ...)`` expression for text indexed with ``cjk.index_form``."""
    if isinstance(node, Term):
        if node.prefix and not has_cjk(node.word):
            terms = query_terms(node.word)
            lexemes = [_ts_lexeme(t) for t in terms[:-1]] + [_ts_lexeme(terms[-1]) + ":*"]
            return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"
        forms = term_forms(node)
        if len(forms) > 1:
            return "(" + " | ".join(_ts_tokens(f) for f in forms) + ")"
        return "(" + " <-> ".join(_ts_lexeme(t) for t in forms[0]) + ")"
    if isinstance(node, Phrase):
        if node.within is None or len(node.words) < 2:
            return _ts_sequence(node.words)
        first, second = _ts_sequence([node.words[0]]), _ts_sequence([node.words[1]])
        options = [f"{a} <{d}> {b}" for d in range(1, node.within + 2)
                   for a, b in ((first, second), (second, first))]
        near = "(" + " | ".join(options) + ")"
        rest = [_ts_sequence([w]) for w in node.words[2:]]
        return " & ".join([near, *rest]) if rest else near
    if isinstance(node, Or):
        return "(" + " | ".join(to_tsquery(c) for c in node.children) + ")"
    if isinstance(node, And):
        parts = [to_tsquery(c) if not isinstance(c, Not) else f"!{to_tsquery(c.child)}"
                 for c in node.children]
        return "(" + " & ".join(parts) + ")"
    raise QueryError("NOT needs something to search for beside what it excludes.")
