"""Web pages printed to PDF by a browser: recognised by their print furniture, which is
then removed, with the page's own title, address and site name kept as metadata.

A browser prints a running header (the print date and time, then the tab title) and a
footer (the page address, then "n/m"). Those lines say when the page was *printed*, not when
the report was published, and the tab title is usually "Subject - Site name" rather than the
report's title. Chromium writes them as separate lines at the bottom of each page's text;
a page read in columns may cut them ("file:///a/b-" and "c.html").

:func:`detect` looks at the first and last ``EDGE`` lines of every page and calls the
document printed when at least half of its pages carry a page counter "n/m" with m the page
count and a header date and time (a report's own footer with its address and "3/10" is not a
print's). :func:`clean` then removes, from every page:

* the header and footer lines (a date and time with or without the title after it, the
  address whole or in pieces, the counter);
* the site's furniture before the report: every line before the report's first heading,
  the first line in the first half of the pages that is the tab title's subject, or a title
  starting or ending with it (the breadcrumb, with its "..." or glued words, is not it).
  When that heading is the subject alone ("Sri Lanka"), the title is the breadcrumb's item
  before it and the heading ("2023 Country Reports on Human Rights Practices: Sri Lanka");
* the short link-like lines right after the title (a byline, "Download Report",
  "Translations"), except a line with a date in it (the report's own date);
* an in-page table of contents (three or more numbered lines "1. ...", "2. ..." without a
  final full stop, in a row);
* everything after the report's last sentence (a line ending in . ! or ? that is half a
  full line long or ends a paragraph of full lines): the site's footer, search box, tags
  and menus.

Plain lists of strings in, plain data out: no PDF library here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlparse

from coi.recognise_date import find_date

EDGE = 4
#: How ``coi.pdf_tables`` marks a table row's placeholder line.
TABLE_ROW_MARK = "\ue000"

_COUNTER = re.compile(r"^(\d{1,4})\s*/\s*(\d{1,4})$")
_PRINT_DATE = re.compile(
    r"^(?P<date>\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4}),?\s+"
    r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?\s?[Mm]\.?)?)\s*(?P<title>.*)$"
)
_URL = re.compile(r"^(?P<url>(?:https?|file)://\S.*?)(?:\s+(?P<n>\d{1,4})\s*/\s*(?P<m>\d{1,4}))?$")
_SITE_SEPARATORS = (" - ", " | ", " – ", " — ", " :: ")
_NUMBERED = re.compile(r"^\d{1,2}\.\s+\S")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_GLUED = re.compile(r"[a-z][A-Z][a-z]")


@dataclass(frozen=True)
class PrintedPage:
    """What the print furniture says about a printed web page."""

    tab_title: str | None  # the title the browser printed in the header
    subject: str | None  # the tab title without the site name ("Afghanistan")
    site_name: str | None  # "United States Department of State"
    url: str | None  # the address printed in the footer
    print_date: str | None  # as printed ("11/22/26, 10:09 AM"), never a publication date


def _squash(text: str) -> str:
    return "".join(text.split())


def _edges(lines: list[str]) -> list[int]:
    nonempty = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(nonempty[:EDGE]) | set(nonempty[-EDGE:]))


def detect(pages: list[list[str]]) -> PrintedPage | None:
    """The print furniture of a browser printout, or None when ``pages`` are not one."""
    total = len(pages)
    if total == 0:
        return None
    counters = dates = urls = 0
    titles: Counter[str] = Counter()
    addresses: Counter[str] = Counter()
    printed_on: Counter[str] = Counter()
    for lines in pages:
        has_counter = has_date = has_url = False
        for i in _edges(lines):
            line = lines[i].strip()
            m = _COUNTER.match(line)
            if m and int(m.group(2)) == total:
                has_counter = True
                continue
            m = _URL.match(line)
            if m:
                has_url = True
                if m.group("m") and int(m.group("m")) == total:
                    has_counter = True
                addresses[_squash(m.group("url"))] += 1
                continue
            m = _PRINT_DATE.match(line)
            if m:
                has_date = True
                printed_on[f"{m.group('date')}, {m.group('time')}"] += 1
                if m.group("title"):
                    titles[m.group("title").strip()] += 1
        counters += has_counter
        dates += has_date
        urls += has_url
    half = max(1, (total + 1) // 2)
    if counters < half or dates < half:
        return None  # a report's own footer ("www.example.org  3/10") is not a print's
    tab_title = max(titles, key=lambda t: (titles[t], len(t))) if titles else None
    subject, site = split_tab_title(tab_title)
    url = max(addresses, key=lambda a: (addresses[a], len(a))) if addresses else None
    when = printed_on.most_common(1)[0][0] if printed_on else None
    return PrintedPage(tab_title=tab_title, subject=subject, site_name=site, url=url,
                       print_date=when)


def split_tab_title(title: str | None) -> tuple[str | None, str | None]:
    """("Afghanistan", "United States Department of State") from
    "Afghanistan - United States Department of State"; (title, None) without a separator."""
    if not title:
        return None, None
    for sep in _SITE_SEPARATORS:
        if sep in title:
            subject, _, site = title.rpartition(sep)
            if subject.strip() and site.strip():
                return subject.strip(), site.strip()
    return title.strip(), None


def _is_furniture(line: str, info: PrintedPage, total: int) -> bool:
    text = line.strip()
    m = _COUNTER.match(text)
    if m and int(m.group(2)) == total:
        return True
    if _PRINT_DATE.match(text):
        return True
    squashed = _squash(text)
    if info.url and len(squashed) >= 6:
        # the address whole, or a piece of it as a column reader cut it (with its counter)
        bare = re.sub(r"\d{1,4}/\d{1,4}$", "", squashed)
        if bare and (bare in info.url) and (info.url.startswith(bare) or info.url.endswith(bare)):
            return True
    subject = _squash(info.subject or "")
    if (info.tab_title and len(squashed) > len(subject) + 1
            and _squash(info.tab_title).startswith(squashed)):
        return True  # the header title, cut at a column's edge (not the heading alone)
    return False


def _without_furniture(lines: list[str], info: PrintedPage, total: int) -> list[str]:
    """One page's lines without print furniture. When a column reader cut the header title
    ("... United States Department"), the rest of it ("of State") may start another line:
    it is cut off there."""
    out: list[str] = []
    rests: list[str] = []
    tab = " ".join((info.tab_title or "").split())
    for line in lines:
        if not line.strip():
            continue
        if _is_furniture(line, info, total):
            m = _PRINT_DATE.match(line.strip())
            cut = " ".join((m.group("title") if m else line).split())
            if tab and cut and tab.startswith(cut) and len(cut) < len(tab):
                rests.append(tab[len(cut):].strip())
            continue
        out.append(line)
    for rest in rests:
        for i, line in enumerate(out):
            if len(rest) >= 2 and line.startswith(rest + " "):
                out[i] = line[len(rest):].strip()
                break
            if rest and line == rest:
                out[i] = ""
                break
    return [line for line in out if line]


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _is_report_title(line: str, subject: str) -> bool:
    """The page's own heading: the tab title's subject alone, or a title line that starts
    or ends with it ("2023 Country Reports ...: Afghanistan"); not a breadcrumb (with its
    "..." or words glued together) and not a sentence."""
    text = line.strip()
    words = text.split()
    if _fold(text) == _fold(subject):
        return True
    if not (2 <= len(words) <= 20) or len(text) > 200 or not (text[0].isupper()
                                                               or text[0].isdigit()):
        return False
    if "..." in text or "…" in text or _GLUED.search(text) or _SENTENCE_END.search(text):
        return False
    folded, want = _fold(text), _fold(subject)
    return folded != want and (folded.startswith(want) or folded.endswith(want))


_BREADCRUMB_CUT = re.compile(r"(?<=[a-z,)])(?=[A-Z0-9])")
_BREADCRUMB_SEPARATOR = re.compile(r"\s[>/›»|]\s")


def _breadcrumb_parent(lines: list[str], subject: str) -> str | None:
    """The item before ``subject`` in a breadcrumb line ("Home Reports ... 2023 Country
    Reports on Human Rights Practices ...Afghanistan", items glued by the print)."""
    for line in lines:
        text = line.strip()
        if not _fold(text).endswith(_fold(subject)):
            continue
        head = text[: len(text) - len(subject)].rstrip()
        if not head.endswith(("…", "...")):
            continue
        head = head.rstrip(".… ")
        parent = _BREADCRUMB_CUT.split(_BREADCRUMB_SEPARATOR.split(head)[-1])[-1]
        parent = parent.strip(" >/›»|")
        if len(parent.split()) >= 2:
            return parent
    return None


def _drop_contents_lists(lines: list[str]) -> list[str]:
    """Lines without runs of three or more short numbered lines (an in-page contents list)."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) < 3:
            out.extend(run)
        run.clear()

    for line in lines:
        if _NUMBERED.match(line) and len(line.split()) <= 25 and not _SENTENCE_END.search(line):
            run.append(line)
        else:
            flush()
            out.append(line)
    flush()
    return out


def _heading_like(line: str) -> bool:
    """ALL CAPS or numbered: a section heading of the report, not a link."""
    letters = [c for c in line if c.isalpha()]
    return bool(_NUMBERED.match(line)) or (len(letters) >= 3 and line.upper() == line)


def _link_like(line: str) -> bool:
    return len(line.split()) <= 8 and not _SENTENCE_END.search(line)


@dataclass(frozen=True)
class Cleaned:
    """Pages without the print furniture and the site's chrome, and the report's title."""

    pages: list[list[str]]
    title: str | None


def clean(pages: list[list[str]], info: PrintedPage) -> Cleaned:
    """``pages`` without header/footer lines, the site's chrome before the report's title,
    contents lists and the site's footer after its last sentence (see the module notes)."""
    total = len(pages)
    stripped = [_without_furniture(lines, info, total) for lines in pages]
    title: str | None = None
    if info.subject:
        for p, lines in enumerate(stripped[: max(1, (total + 1) // 2)]):
            at = next((i for i, ln in enumerate(lines) if _is_report_title(ln, info.subject)),
                      None)
            if at is not None:
                title = " ".join(lines[at].split())
                if _fold(title) == _fold(info.subject):
                    parent = _breadcrumb_parent(lines[max(0, at - 4):at], info.subject)
                    if parent:
                        title = f"{parent}: {title}"
                rest = lines[at + 1:]
                kept: list[str] = []
                while rest and _link_like(rest[0]) and not _heading_like(rest[0]):
                    if find_date(rest[0]) is not None:
                        kept.append(rest[0])
                    rest = rest[1:]
                rest = [*kept, "", *rest] if kept else rest
                stripped = [[] for _ in range(p)] + [rest] + stripped[p + 1:]
                break
    stripped = [_drop_contents_lists(lines) for lines in stripped]
    # The site's footer (search box, tags, menus): everything after the report's last
    # sentence, a line ending in . ! or ? that is at least half a full line long or ends a
    # paragraph of full lines.
    lengths = sorted(len(ln) for lines in stripped for ln in lines)
    full = lengths[int(len(lengths) * 0.9)] if lengths else 0

    def ends_report(lines: list[str], i: int) -> bool:
        if lines[i].startswith(TABLE_ROW_MARK):
            return True  # a table row (coi.pdf_tables's placeholder) is the report's
        if not _SENTENCE_END.search(lines[i]):
            return False
        if i > 0 and len(lines[i - 1]) >= 0.8 * full and not _SENTENCE_END.search(lines[i - 1]):
            return True  # the last line of a paragraph of full lines
        return len(lines[i]) >= 0.5 * full and len(lines[i].split()) >= 4

    for p in range(len(stripped) - 1, -1, -1):
        lines = stripped[p]
        keep = len(lines)
        while keep > 0 and not ends_report(lines, keep - 1):
            keep -= 1
        stripped[p] = lines[:keep]
        if keep > 0:
            break
    return Cleaned(pages=stripped, title=title)


def web_url(url: str | None) -> str | None:
    """The printed address when it is a web address (not a local ``file://`` one)."""
    if not url:
        return None
    parsed = urlparse(url)
    return url if parsed.scheme in ("http", "https") and parsed.netloc else None
