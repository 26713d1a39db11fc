"""A narrative's layout made regular before it is read, without moving a single character.

Text copied out of a PDF or an e-mail arrives hard-wrapped: a line break every 60 to 90
characters, in the middle of sentences. The pipeline ends a sentence at every line break
(headings and list items in officers' summaries need that), so a wrapped claim was read as
dozens of sentence fragments: a harm and its motive on two lines were no longer one clause,
and the cue shares changed. Over the real decisions' training part, wrapping the same texts
at 80 characters changed 5.6 % of the suggestions. No-break and thin spaces (common in
word-processor exports) split words for the tokenizer the same way.

:func:`regular` replaces such a line break, and those spaces, with a plain space. Every other
character stays where it was, so offsets into the result are offsets into the original, and
what the page highlights is where the officer reads it.

A line break is taken for a wrap when the line before it is long enough to be running text
(:data:`MIN_WRAPPED_LINE` characters), ends in a letter, a digit, a comma or a hyphen (not a
full stop, colon, bracket or quote), and the next line continues it: it starts with a
lower-case letter or a digit that does not number a list; with an opening bracket or quote
after a lower-case word or a comma; or with a capital after a comma or a word no sentence
ends with ("on", "the", "his": a name or "I" carried over). A blank line, a line that starts
a list ("-", "•", "1.", "(a)") and Japanese text are left as they are: Japanese wraps, which
can fall inside a word, are taken out where SudachiPy reads the text
(:func:`triage.japanese.wrap_breaks`).
"""

from __future__ import annotations

import re

from triage.japanese import CJK

#: Spaces a word processor or PDF puts in running text (not the ideographic space, which is
#: part of Japanese layout).
_ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f]")
_BREAK = re.compile(r"\r?\n")
_LIST_START = re.compile(r"[ \t]*(?:[-–—•*·]\s|\(?[0-9a-zA-Z]{1,3}[.)]\s)")
_OPENERS = frozenset("(\"'“‘[")

#: English words after which a sentence never ends: a line ending in one goes on below.
_CARRIES_ON = frozenset(
    "a an the of in on at by to for from with without into onto upon about against between "
    "among during before after since until and or but nor that which who whom whose his her "
    "its their our my your was were is are be been had has have did do does would could "
    "should will shall may might must not mr mrs ms dr".split())

#: A line shorter than this is a heading, a list item or a short answer, never a wrap.
MIN_WRAPPED_LINE = 40


def _continues(before: str, after: str) -> bool:
    line = before.rstrip(" \t")
    if len(line) < MIN_WRAPPED_LINE or not after or after[0] in " \t\r\n":
        return False
    last, first = line[-1], after[0]
    if not (last.isalnum() or last in ",-") or CJK.match(last) or CJK.match(first):
        return False  # a line ending in a full stop, a colon, a bracket or a quote stays
    if _LIST_START.match(after):
        return False
    if first.islower() or first.isdigit():
        return True
    if first in _OPENERS:
        return last.islower() or last == ","
    if not first.isupper():
        return False
    # A capital after a comma or a word no sentence ends with ("on", "the", "his"): a name or
    # "I" carried over. After any other word it may be a heading or a sentence that lost its
    # full stop, which stays apart.
    return last == "," or line.rsplit(None, 1)[-1].lower() in _CARRIES_ON


def regular(text: str) -> str:
    """``text`` with hard wraps and odd spaces replaced by plain spaces (same length)."""
    if "\u00a0" in text or _ODD_SPACES.search(text):
        text = _ODD_SPACES.sub(" ", text)
    if "\n" not in text:
        return text
    out: list[str] = []
    pos = 0
    line_start = 0
    for match in _BREAK.finditer(text):
        before = text[line_start:match.start()]
        next_end = text.find("\n", match.end())
        after = text[match.end():next_end if next_end >= 0 else len(text)]
        if _continues(before, after):
            out.append(text[pos:match.start()])
            out.append(" " * (match.end() - match.start()))
            pos = match.end()
        line_start = match.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)
