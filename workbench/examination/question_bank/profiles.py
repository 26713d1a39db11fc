"""The specific profiles a written claim raises (by keyword or triage cue), and the questions a
preparation sheet suggests for them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from workbench.core.i18n import t
from workbench.examination.question_bank.bank import QuestionBank
from workbench.examination.question_bank.model import CORE_SECTIONS, Question, Section
from workbench.intake import triage_text

_LATIN = "0-9A-Za-z\u00c0-\u024f"


def _is_latin(keyword: str) -> bool:
    return all(ord(char) < 0x2E80 for char in keyword)


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    words = [re.escape(part) for part in re.split(r"[\s\-]+", keyword.strip()) if part]
    body = r"[\s\-]+".join(words)
    return re.compile(rf"(?<![{_LATIN}]){body}(?:s|es)?(?![{_LATIN}])", re.IGNORECASE)


def profiles_raised(
    bank: QuestionBank, narrative: str, cue_types: Iterable[str] = ()
) -> dict[str, list[str]]:
    """The specific profiles a claim suggests, each with the reasons.

    Keywords are matched case-insensitively on word boundaries in Latin script (a plural
    ``-s``/``-es`` also matches; spaces and hyphens are interchangeable) and as substrings in
    Japanese. A triage cue type listed in a profile's ``cues`` raises it too. These are
    suggestions for the inquirer to confirm in ``opening.profiles_raised``.
    """
    text = unicodedata.normalize("NFKC", narrative or "").casefold()
    cues = list(dict.fromkeys(cue_types))
    raised: dict[str, list[str]] = {}
    for code, profile in bank.profiles.items():
        reasons: list[str] = []
        for keyword in profile.keywords:
            needle = unicodedata.normalize("NFKC", keyword).casefold()
            if _is_latin(needle):
                found = _keyword_pattern(needle).search(text) is not None
            else:
                found = needle in text
            if found:
                reasons.append(t("interview.raised_by_keyword", keyword=keyword))
        reasons.extend(t("interview.raised_by_cue", cue=cue,
                         label=triage_text.cue_label(cue, cue))
                       for cue in cues if cue in profile.cues)
        if reasons:
            raised[code] = reasons
    return raised


def suggested_questions(
    bank: QuestionBank, profiles: Iterable[str], limit_per_section: int = 4
) -> list[tuple[Section, list[Question]]]:
    """Questions for a preparation sheet, in bank order.

    The questions of the fear-on-return, grounds, agents-and-protection and relocation
    sections that inform an eligibility element (follow-ups that depend on another answer are
    left out: the answers are not known yet), and the sub-form questions of each raised
    profile, at most ``limit_per_section`` per section: required questions first, then
    questions shown without depending on another answer, then the follow-ups. Unknown
    profile codes are ignored.
    """
    raised = set(profiles)
    limit = max(int(limit_per_section), 0)
    sheet: list[tuple[Section, list[Question]]] = []
    for section in bank.sections:
        if section.id in CORE_SECTIONS:
            candidates = [
                q for q in section.questions
                if q.element not in (None, "procedure", "identity") and q.type != "incidents"
                and (q.when is None or (q.when.question is None and raised & set(q.when.profiles)))
            ]
        elif (section.when is not None and section.when.profiles
              and raised & set(section.when.profiles)):
            candidates = [
                q for q in section.questions
                if q.when is None or not q.when.profiles or raised & set(q.when.profiles)
            ]
        else:
            continue
        order = {q.id: i for i, q in enumerate(section.questions)}
        ranked = sorted(
            candidates,
            key=lambda q: (not q.required, q.when is not None and q.when.question is not None,
                           order[q.id]),
        )
        chosen = sorted(ranked[:limit], key=lambda q: order[q.id])
        if chosen:
            sheet.append((section, chosen))
    return sheet
