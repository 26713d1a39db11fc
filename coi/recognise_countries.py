"""The countries a COI document is about: weighted gazetteer mentions (title, headings,
body), the primary country (named by the title, the lead, or dominant), the countries listed
beside it, and the publisher's own countries (:func:`source_countries`) kept out unless the
content is about them.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlparse

from coi.extracted import ExtractedDocument
from coi.gazetteer import by_code, country_mentions, find_countries
from coi.recognise_date import _opening
from coi.recognise_title import _clean, _title_like

__all__ = ["source_countries"]

TITLE_WEIGHT = 10
HEADING_WEIGHT = 3
LEAD_SHARE = 0.5  # the lead country needs half the mentions of the most-mentioned one
DOMINANT_SHARE = 0.4  # otherwise the top country needs 40 % of all mentions ...
DOMINANT_RATIO = 1.5  # ... and 1.5 times the runner-up
LISTED_SHARE = 0.25  # other countries listed from a quarter of the top score ...
LISTED_MIN = 3  # ... and at least this many weighted mentions
LISTED_MAX = 6

_LEAD_SENTENCES = re.compile(r"(?<=[.!?。])\s+")


BODY_SAMPLE = 25_000


def _lead_text(document: ExtractedDocument, title: str | None) -> str:
    """The first two sentences of the body (skipping the passage that is the title)."""
    if document.passages:
        texts = [p.text for p in document.passages[:5]]
    else:
        texts = _opening(document, 2_000).split("\n\n")
    for text in texts:
        text = _clean(text)
        if not text or (title and text == _clean(title)) or _title_like(text):
            continue
        sentences = _LEAD_SENTENCES.split(text[:1_000])
        return " ".join(sentences[:2])[:500]
    return ""


#: The publisher's own country is listed when it holds this share of the mentions.
ABOUT_HOME_SHARE = 1 / 3
_GOV_DOMAINS = {"gov": "USA", "mil": "USA"}


def _country_names() -> dict[str, str]:
    from coi.gazetteer import countries

    return {_clean(n).casefold(): c.code for c in countries() for n in c.names if len(n) >= 2}


def _names_in(value: str) -> set[str]:
    """Countries a name such as "United States Department of State" or "UK Home Office"
    contains (the gazetteer drops such institution names from running text on purpose)."""
    names = _country_names()
    words = re.findall(r"[\w.]+", value)
    found: set[str] = set()
    for size in range(min(6, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i:i + size])
            if phrase[:1].isupper() and phrase.casefold() in names:
                found.add(names[phrase.casefold()])
    return found


def source_countries(metadata: dict) -> set[str]:
    """Countries the source names itself by: those named in its publisher or site name
    ("United States Department of State", "UK Home Office") and the country of its web
    address (a country-code domain such as .uk or .jp, or .gov and .mil for the United
    States)."""
    from coi.gazetteer import lookup

    found: set[str] = set()
    printed = metadata.get("printed") if isinstance(metadata.get("printed"), dict) else {}
    for key in ("publisher", "site_name"):
        value = metadata.get(key) or (printed or {}).get(key)
        if isinstance(value, str) and value:
            found.update(_names_in(value))
    url = metadata.get("url")
    if isinstance(url, str) and url:
        host = (urlparse(url).hostname or "").lower()
        labels = host.split(".")
        tld = labels[-1] if labels else ""
        if tld in _GOV_DOMAINS:
            found.add(_GOV_DOMAINS[tld])
        elif len(tld) == 2 and tld not in ("eu", "io", "tv", "me", "co"):
            country = lookup("GB" if tld == "uk" else tld.upper())
            if country is not None:
                found.add(country.code)
    return found


def _first_country(text: str) -> str | None:
    mentions = country_mentions(text)
    return mentions[0][1] if mentions else None


def _names(codes: list[str]) -> str:
    return ", ".join(by_code(c).name for c in codes)


def _countries(
    document: ExtractedDocument, title: str | None
) -> tuple[list[str], str | None, str, str]:
    title_counts = find_countries(title) if title else Counter()
    headings = dict.fromkeys(h for p in document.passages for h in p.heading_path)
    heading_counts = find_countries("\n\n".join(headings))  # each distinct heading once
    # The opening of a report says what it is about; counting names beyond the first
    # BODY_SAMPLE characters costs time (half of enrichment on long reports) and changes
    # nothing but the counts of countries mentioned in passing.
    body = find_countries(document.text[:BODY_SAMPLE])
    scores: Counter[str] = Counter()
    for code, n in body.items():
        scores[code] += n
    for code, n in heading_counts.items():
        scores[code] += HEADING_WEIGHT * n
    for code, n in title_counts.items():
        scores[code] += TITLE_WEIGHT * n
    if not scores:
        return [], None, "no country named in the document", "no country named"

    ranked = sorted(scores, key=lambda c: (-scores[c], c))
    top = ranked[0]
    total = sum(scores.values())
    primary: str | None = None
    why: str

    title_ranked = title_counts.most_common()
    lead = _first_country(_lead_text(document, title))
    if title_ranked and (len(title_ranked) == 1 or title_ranked[0][1] > title_ranked[1][1]):
        primary = title_ranked[0][0]
        why = f"title names {by_code(primary).name}"
    elif lead is not None and body[lead] >= LEAD_SHARE * max(body.values()):
        primary = lead
        why = (f"the opening names {by_code(lead).name} first, and it has {body[lead]} of "
               f"{max(body.values())} mentions of the most-mentioned country")
    elif scores[top] >= DOMINANT_SHARE * total and (
        len(ranked) == 1 or scores[top] >= DOMINANT_RATIO * scores[ranked[1]]
    ):
        primary = top
        why = (f"{by_code(top).name} has {scores[top] / total:.0%} of the weighted country "
               "mentions")
    else:
        why = (f"no country dominates: {by_code(top).name} has {scores[top] / total:.0%} of "
               "the weighted mentions")

    home = source_countries(document.metadata or {})
    if primary in home and title_counts.get(primary, 0) == 0 and (
            lead != primary or body[primary] < ABOUT_HOME_SHARE * sum(body.values())):
        # The publisher's own country is the subject only when the title names it, or the
        # opening names it first and it holds a third of the mentions.
        why = f"{by_code(primary).name} is where the publisher is; " + why
        primary = None
    anchor = scores[primary] if primary else scores[top]
    listed = [primary] if primary else []
    for code in ranked:
        if code == primary or len(listed) >= LISTED_MAX:
            continue
        if code in home and scores[code] < ABOUT_HOME_SHARE * total:
            continue  # named as the publisher's home, not what the content is about
        if scores[code] >= max(LISTED_MIN, LISTED_SHARE * anchor):
            listed.append(code)
    countries_reason = (
        f"weighted mentions (title x{TITLE_WEIGHT}, headings x{HEADING_WEIGHT}): "
        + ", ".join(f"{c} {scores[c]}" for c in ranked[:6])
        + (f"; the publisher's country ({_names(sorted(home))}) is listed only when the "
           "content is about it" if home else "")
        + (f"; listed: {_names(listed)}" if listed else "; none substantial enough to list")
    )
    return listed, primary, countries_reason, why
