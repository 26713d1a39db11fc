"""Suspect metadata of a COI document, flagged for an administrator before it is relied on.

Flags (each with a suggested correction where one can be made):

``published_future``
    The publication date is after the day the document was added: no report is published in
    the future (a mistyped year, a date read from an event announced in the text).
    Suggestion: no date (unknown), until someone types the right one.
``published_on_ingestion_day``
    The publication date is the day the document was added: usually the day a web page was
    printed or saved (the date a browser prints in its header, a file's creation date), not
    when the report came out. Suggestion: no date.
``no_published_date``
    No publication date could be read (a printed web page whose content states none): the
    currency warnings and the sort by date cannot place it. No suggestion: the administrator
    types the date the publisher gives, or keeps it unknown.
``title_site_name``
    The title is a site's or publisher's name ("United States Department of State"), or a
    browser tab title "Subject - Site name": it does not say which report this is.
    Suggestion: the document's first heading when the title is the site name alone, else the
    subject part of the tab title.
``no_country``
    The document has no subject country, so a country filter never finds it. Suggestion:
    the countries its title names, else the country named most in its opening passages.

Plain values in, plain values out: no database here (``workbench.library.metadata_review``
reads the document and applies a correction).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

FLAGS = ("published_future", "published_on_ingestion_day", "no_published_date",
         "title_site_name", "no_country")
FIELD_OF = {"published_future": "published", "published_on_ingestion_day": "published",
            "no_published_date": "published", "title_site_name": "title",
            "no_country": "countries"}
_SEPARATORS = (" - ", " | ", " – ", " — ", " :: ")


@dataclass(frozen=True)
class Flag:
    code: str  # one of FLAGS
    field: str  # published | title | countries
    #: the suggested value as text: a title, country codes joined by ", ", or "" for "no
    #: date"; None when there is nothing to suggest (the administrator edits the field)
    suggestion: str | None


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def site_title(title: str, site_names: Iterable[str]) -> tuple[bool, str | None]:
    """Whether ``title`` is a site name or "Subject - Site name", and the subject part."""
    names = {_fold(n) for n in site_names if n and n.strip()}
    folded = _fold(title)
    if folded in names:
        return True, None
    for sep in _SEPARATORS:
        if sep in title:
            subject, _, site = title.rpartition(sep)
            if _fold(site) in names and subject.strip():
                return True, subject.strip()
    return False, None


def metadata_flags(*, title: str, published: date | None, added_on: date,
                   countries: Sequence[str], site_names: Iterable[str],
                   first_heading: str | None = None,
                   opening_text: str = "", reviewed: Iterable[str] = ()) -> list[Flag]:
    """The flags of one document, leaving out those an administrator already reviewed."""
    from coi.gazetteer import find_countries

    done = set(reviewed)
    flags: list[Flag] = []
    if published is not None and published > added_on:
        flags.append(Flag("published_future", "published", ""))
    elif published is not None and published == added_on:
        flags.append(Flag("published_on_ingestion_day", "published", ""))
    elif published is None:
        flags.append(Flag("no_published_date", "published", None))
    is_site, subject = site_title(title, site_names)
    if is_site:
        suggestion = subject
        if subject is None and first_heading and not site_title(first_heading, site_names)[0]:
            suggestion = first_heading
        flags.append(Flag("title_site_name", "title", suggestion))
    if not countries:
        named = find_countries(title)
        if not named and opening_text:
            named = Counter(dict(find_countries(opening_text).most_common(1)))
        codes = [c for c, _ in sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))][:3]
        flags.append(Flag("no_country", "countries", ", ".join(codes) or None))
    return [f for f in flags if f.code not in done]
