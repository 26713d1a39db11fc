"""Japanese negation, hedging and conditions for the triage pipeline's cues: the markers
that reach backwards over their own clause, read from SudachiPy's morphemes
(:mod:`triage.nlp` applies them; the rules are described there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from triage import japanese
from triage.cues import JapaneseRules

#: Changes whenever the components change what they produce; part of the model version.
_JA_BREAK_PUNCT = frozenset("、，,；;：:「」『』（）()")


def _alternation(items: Iterable[str]) -> re.Pattern | None:
    items = sorted({i for i in items if i}, key=len, reverse=True)
    return re.compile("|".join(re.escape(i) for i in items)) if items else None


class JapaneseMarkers:
    """The ``[japanese]`` rules of the cue file, prepared: single-morpheme markers by their
    normalised form, longer ones by their written form."""

    def __init__(self, rules: JapaneseRules):
        self.rules = rules

        def split(items: Iterable[str]) -> tuple[frozenset[str], re.Pattern | None]:
            single, longer = set(), []
            for item in items:
                norms = japanese.term_norms(item)
                if norms == (item,):  # one morpheme written in its normalised form
                    single.add(norms[0])
                else:
                    longer.append(item)
            return frozenset(single), _alternation(longer)

        self.fear_norms, self.fear_text = split(rules.fears)
        self.hedge_norms, self.hedge_text = split(rules.hedges)
        self.not_negation = _alternation(rules.not_negation)
        self.not_conditional = _alternation(rules.not_conditional)
        self.reporting = frozenset(n for r in rules.reporting for n in japanese.term_norms(r)[:1])
        self.questions = frozenset(n for q in rules.questions for n in japanese.term_norms(q)[:1])
        self.denials = frozenset(n for d in rules.denials for n in japanese.term_norms(d)[:1])
        self.adverb_hedges = frozenset({"恐らく", "多分", "おそらく", "たぶん"})

    def read(self, text: str, orth: list[str], norm: list[str], tag: list[str],
             starts: np.ndarray, sentences: list) -> _JapaneseMarks:
        rules = self.rules
        n = len(orth)
        sentence_of = [0] * n
        marks = _JapaneseMarks(sentence_of)

        def tokens_of(pattern: re.Pattern | None, begin: int, end: int) -> set[int]:
            found: set[int] = set()
            if pattern is None:
                return found
            for m in pattern.finditer(text, begin, end):
                first = int(np.searchsorted(starts, m.start(), side="right")) - 1
                last = int(np.searchsorted(starts, m.end(), side="left"))
                found.update(range(max(first, 0), last))
            return found

        for index, sent in enumerate(sentences):
            s0, s1 = sent.start, sent.end
            for i in range(s0, s1):
                sentence_of[i] = index
            begin, end = sent.start_char, sent.end_char
            # "〜たり、〜たりしたことはない": the comma of a たり list does not end the clause.
            breaks = [i for i in range(s0, s1) if (orth[i] in _JA_BREAK_PUNCT and not (
                i > s0 and orth[i - 1] in ("たり", "だり"))) or (
                tag[i] == "助詞-接続助詞" and orth[i] in rules.clause_ends)]
            conj_breaks = [i for i in breaks if orth[i] not in _JA_BREAK_PUNCT]

            def clause_start(j: int, among: list[int] = breaks, first: int = s0) -> int:  # noqa: B006
                start = first
                for b in among:
                    if b < j:
                        start = b + 1
                    else:
                        break
                return start

            # Negation: back over the clause, a denied report over the reported claim.
            pseudo = tokens_of(self.not_negation, begin, end)
            for j in range(s0, s1):
                denial = norm[j] in self.denials
                if not denial and (norm[j] not in rules.negators or j in pseudo or not tag[
                        j].startswith(("助動詞", "形容詞"))):
                    continue
                k = j - 1
                while k > s0 and (tag[k].startswith(("助動詞", "助詞", "接尾辞"))
                                  or tag[k] == "動詞-非自立可能"):
                    k -= 1
                if norm[k] in rules.knowing and any(orth[m] == "か" for m in range(
                        max(s0, k - 4), k)):
                    continue  # "なぜ逮捕されたのかわからない": the arrest happened
                if norm[k] in self.reporting:
                    start = max(clause_start(j, conj_breaks), j - rules.reporting_window)
                elif any(norm[m] in ("出来る", "得る") for m in range(k, j)):
                    # "借金を返済できなかった": what failed is the repaying, not the debt.
                    start = k
                else:
                    start = max(clause_start(j), j - rules.window)
                marks.negations.append((start, j))
            # Conditions: forward to the end of the sentence, unless it tells what happened.
            not_conditional = tokens_of(self.not_conditional, begin, end)
            for j in range(s0, s1):
                if orth[j] not in rules.conditionals or j in not_conditional:
                    continue
                if orth[j] in ("もし", "仮に"):
                    start = j
                elif orth[j] == "場合" or tag[j].startswith(("助詞", "助動詞")):
                    start = clause_start(j)
                else:
                    continue
                if self._past(orth, norm, tag, j, s1):
                    continue
                marks.conditions.append((start, s1))
            # Fears and hedges: back over their clause (an adverb hedge: forward over it).
            fears = {j for j in range(s0, s1) if norm[j] in self.fear_norms}
            fears |= tokens_of(self.fear_text, begin, end)
            for j in sorted(fears):
                marks.fears.append((max(clause_start(j), j - rules.window), j))
            hedges = {j for j in range(s0, s1) if norm[j] in self.hedge_norms}
            hedges |= tokens_of(self.hedge_text, begin, end)
            for j in sorted(hedges):
                if norm[j] in self.adverb_hedges or orth[j] in self.adverb_hedges:
                    stop = next((b for b in breaks if b > j), s1)
                    marks.hedges.append((j, stop))
                else:
                    marks.hedges.append((max(clause_start(j), j - rules.window), j + 1))
            # Questions put to the applicant: "…かとの質問に", "…か尋ねた", or a "？".
            last = s1 - 1
            while last > s0 and (orth[last].isspace() or orth[last] in "。"):
                last -= 1
            if orth[last] in ("?", "？"):
                marks.questions.append((s0, s1))
            for j in range(s0, s1):
                if orth[j] == "か" and tag[j].startswith("助詞") and any(
                        norm[k] in self.questions for k in range(j + 1, min(j + 5, s1))):
                    marks.questions.append((clause_start(j), j))
        return marks

    def _past(self, orth: list[str], norm: list[str], tag: list[str], j: int, end: int
              ) -> bool:
        """Whether the predicate after a condition at ``j`` is in the past (the sentence tells
        what happened), looked at before a closing report (〜旨供述した, 〜と述べた)."""
        stop = end
        for k in range(j + 1, end):
            if norm[k] == "旨" or (orth[k] == "と" and tag[k].startswith("助詞") and any(
                    norm[m] in self.reporting or norm[m] in ("思う", "考える")
                    for m in range(k + 1, min(k + 4, end)))):
                stop = k
        words = [k for k in range(j + 1, stop) if not tag[k].startswith("補助記号")
                 and not orth[k].isspace()]
        return any(norm[k] == "た" and orth[k] in ("た", "だ") for k in words[-3:])


@dataclass
class _JapaneseMarks:
    """Where the Japanese markers of a doc reach, by token."""

    sentence_of: list[int]
    negations: list[tuple[int, int]] = field(default_factory=list)  # (scope start, negator)
    conditions: list[tuple[int, int]] = field(default_factory=list)  # (start, end): covers
    fears: list[tuple[int, int]] = field(default_factory=list)  # (scope start, marker)
    hedges: list[tuple[int, int]] = field(default_factory=list)  # (start, end): covers
    questions: list[tuple[int, int]] = field(default_factory=list)  # (start, end): covers

    def negated(self, start: int, end: int) -> bool:
        """A negator after the cue (never one inside it: 安全ではない is the term) whose
        clause holds the cue."""
        return any(s <= start and j >= end for s, j in self.negations)

    def _feared(self, start: int, end: int) -> bool:
        return any(s <= start < e for s, e in self.conditions) or any(
            s <= start and j >= end for s, j in self.fears)

    def hypothetical(self, start: int, end: int) -> bool:
        return self._feared(start, end)

    def hedged(self, start: int, end: int) -> bool:
        """Hedged, and not the fear of what would happen (帰国すれば殺されるかもしれない)."""
        return any(s <= start < e for s, e in self.hedges) and not self._feared(start, end)

    def question(self, start: int) -> bool:
        return any(s <= start < e for s, e in self.questions)


__all__ = ["JapaneseMarkers"]
