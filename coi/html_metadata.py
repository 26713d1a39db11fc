"""Metadata of a saved web page: title (meta tags, JSON-LD, the main h1, site name
removed), publication date, canonical URL, publisher and language, read from the
``<head>``, JSON-LD and bylines as described in :mod:`coi.html_extract`.
"""

from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import urljoin

from lxml import etree

from coi.html_content import _BLOCK, _tag
from coi.html_walk import _Event
from coi.text_extract import normalise_space, parse_date

_SEPARATORS = (" - ", " | ", " – ", " — ", " · ", " :: ", " » ", " : ")
_PUBLISHED_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "dcterms.issued",
    "dc.date.issued",
    "dcterms.date",
    "dc.date",
    "dcterms.created",
    "dc.date.created",
    "citation_publication_date",
    "citation_date",
    "publication_date",
    "publish-date",
    "pubdate",
    "date",
)
_ARTICLE_TYPES = frozenset(
    "article newsarticle report scholarlyarticle blogposting creativework techarticle "
    "legislation governmentservice".split()
)


def _metas(tree: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
        key = key or meta.get("http-equiv") or ""
        content = (meta.get("content") or "").strip()
        if key and content:
            out.setdefault(key.strip().lower(), content)
    return out


def _json_ld(tree: etree._Element) -> list[dict[str, object]]:
    nodes: list[dict[str, object]] = []

    def gather(value: object) -> None:
        if isinstance(value, list):
            for item in value:
                gather(item)
        elif isinstance(value, dict):
            nodes.append(value)
            if "@graph" in value:
                gather(value["@graph"])

    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            gather(json.loads(script.text or "", strict=False))
        except (ValueError, RecursionError):
            continue
    return nodes


def _types(node: dict[str, object]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values if v}


def _ld_name(value: object, nodes: list[dict[str, object]]) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        if isinstance(value.get("name"), str):
            return value["name"].strip() or None
        ref = value.get("@id")
        for node in nodes:
            if ref and node.get("@id") == ref and isinstance(node.get("name"), str):
                return node["name"].strip() or None
    return None


def _language(value: str | None) -> str | None:
    m = re.match(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9-]*)?\s*$", value or "")
    if m is None:
        return None
    code = m.group(1).lower()
    if len(code) == 2:
        return code
    import pycountry  # only for rare three-letter codes

    found = pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code)
    return getattr(found, "alpha_2", None) if found is not None else None


def _strip_site(title: str, sites: list[str]) -> str:
    title = normalise_space(title)
    for site in sites:
        site_key = site.casefold()
        for sep in _SEPARATORS:
            if title.casefold().endswith((sep + site).casefold()) and len(title) > len(sep + site):
                return title[: -len(sep + site)].strip()
            if title.casefold().startswith((site + sep).casefold()) and len(title) > len(
                site + sep
            ):
                return title[len(site + sep) :].strip()
        if title.casefold() == site_key:
            return ""
    if not sites and " | " in title:
        return title.split(" | ")[0].strip()
    return title


def _with_collection(title: str, nodes: list[dict[str, object]]) -> str:
    """A bare page title ("Sri Lanka") that is the last step of the page's JSON-LD breadcrumb
    trail is prefixed with the collection above it ("2023 Country Reports on Human Rights
    Practices: Sri Lanka"), as the site itself titles its fuller pages."""
    if len(title.split()) > 4:
        return title
    for node in nodes:
        if "breadcrumblist" not in _types(node) or not isinstance(
            node.get("itemListElement"), list
        ):
            continue
        names = [
            _ld_name(item.get("name") or item.get("item"), nodes)
            for item in node["itemListElement"]
            if isinstance(item, dict)
        ]
        names = [normalise_space(n) for n in names if n]
        if len(names) >= 3 and names[-1].casefold() == title.casefold():
            parent = names[-2]
            if parent.casefold() not in ("home", title.casefold()):
                return f"{parent}: {title}"
    return title


def _published(metas: dict[str, str], nodes: list[dict[str, object]]) -> date | None:
    for key in _PUBLISHED_KEYS:
        if key in metas:
            found = parse_date(metas[key])
            if found is not None:
                return found
    ranked = sorted(nodes, key=lambda n: 0 if _types(n) & _ARTICLE_TYPES else 1)
    for node in ranked:
        value = node.get("datePublished")
        if isinstance(value, str):
            found = parse_date(value)
            if found is not None:
                return found
    return None


def _time_published(root: etree._Element, skip: set[etree._Element]) -> date | None:
    """A ``<time datetime>`` marked as the publication date, or one in a short byline."""
    candidates = [t for t in root.iter("time") if not any(a in skip for a in t.iterancestors())]
    for time in candidates:
        marked = (time.get("itemprop") or "").lower() == "datepublished"
        if marked or time.get("pubdate") is not None:
            found = parse_date(time.get("datetime") or time.text_content())
            if found is not None:
                return found
    for time in candidates:
        if not time.get("datetime"):
            continue
        block = next((a for a in time.iterancestors() if _tag(a) in _BLOCK), None)
        if block is not None and len(normalise_space(block.text_content())) < 120:
            found = parse_date(time.get("datetime") or "")
            if found is not None:
                return found
    return None


def _metadata(
    tree: etree._Element, body: etree._Element, skip: set[etree._Element], events: list[_Event]
) -> dict[str, object]:
    metas = _metas(tree)
    nodes = _json_ld(tree)
    out: dict[str, object] = {}

    publisher = metas.get("og:site_name")
    if not publisher:
        for node in nodes:
            publisher = _ld_name(node.get("publisher"), nodes)
            if publisher:
                break
    publisher = publisher or next(
        (metas[k] for k in ("dc.publisher", "dcterms.publisher", "citation_publisher",
                            "publisher") if metas.get(k)),
        None,
    )
    if publisher:
        out["publisher"] = normalise_space(publisher)
    sites = [s for s in (publisher, metas.get("application-name"), metas.get("og:site_name")) if s]
    sites += [n["name"] for n in nodes if "website" in _types(n) and isinstance(n.get("name"), str)]
    sites = list(dict.fromkeys(normalise_space(s) for s in sites if s.strip()))

    headline = next(
        (n["headline"] for n in nodes
         if _types(n) & _ARTICLE_TYPES and isinstance(n.get("headline"), str)),
        None,
    )
    title_tag = tree.find(".//title")
    candidates = [
        metas.get("og:title"),
        metas.get("twitter:title"),
        headline,
        metas.get("dc.title") or metas.get("dcterms.title") or metas.get("citation_title"),
        title_tag.text_content() if title_tag is not None else None,
    ]
    stated = next((t for t in (_strip_site(c, sites) for c in candidates if c) if t), None)
    h1 = next((e.text for e in events if e.kind == "heading" and e.level == 1), None)
    if h1 is None:
        for el in body.iter("h1"):
            if el not in skip and not any(a in skip for a in el.iterancestors()):
                h1 = normalise_space(el.text_content())
                break
    title = h1 if h1 and (stated is None or stated.casefold() in h1.casefold()) else stated
    if title:
        out["title"] = _with_collection(title, nodes)

    published = _published(metas, nodes) or _time_published(body, skip)
    if published is not None:
        out["published"] = published

    url = None
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            url = link.get("href").strip()
            break
    og_url = metas.get("og:url")
    if url and not url.lower().startswith(("http://", "https://")):
        url = urljoin(og_url, url) if og_url else None
    url = url or og_url
    if url and url.lower().startswith(("http://", "https://")):
        out["url"] = url

    root = tree.getroottree().getroot()
    language = (
        _language(root.get("lang"))
        or _language(root.get("{http://www.w3.org/XML/1998/namespace}lang"))
        or _language(metas.get("content-language"))
        or _language(metas.get("og:locale"))
        or _language(next((n["inLanguage"] for n in nodes if isinstance(n.get("inLanguage"), str)),
                          None))
    )
    if language:
        out["language"] = language
    return out
