"""Untrusted text on a page: shown as written, never interpreted.

Streamlit reads Markdown in almost every string it shows: ``st.markdown``, ``st.caption``,
titles, alerts, toasts, the labels of widgets, expanders, tabs and page links, radio and pill
options, tooltips. Its renderer adds GitHub tables and autolinks, ``$`` maths, directives such
as ``:red[...]``, ``:material/icon:`` and badges, and emoji shortcodes. Text a person typed
(names, narratives, answers, reasons, opinions) or a document brought in (titles, sources,
file names) reaches those elements only through this module:

- ``md(text)`` escapes one value for Markdown;
- ``tm(key, **values)`` / ``tnm(key, count, **values)`` are ``t`` / ``tn`` for a Markdown
  element: the catalogue's template is trusted, every value is escaped;
- ``Markdown`` marks a string that is already safe Markdown, so that ``md`` and ``tm`` pass it
  through unchanged (a message built with ``tm`` can be a value of another ``tm``);
- ``html_text(text)`` escapes a value for the few raw HTML blocks (``unsafe_allow_html``).

Plain-text elements (``st.text``, ``st.code``, dataframe cells and headers, selectbox and
multiselect options, input values and placeholders) show strings literally: give them the raw
text, since an escaped one would show its backslashes.
"""

from __future__ import annotations

import html
import re

from workbench.core.i18n import t, tn

__all__ = ["Markdown", "html_text", "md", "tm", "tnm"]


class Markdown(str):
    """A string that is safe Markdown as it stands: a catalogue template, code-built
    Markdown, or text escaped by ``md``. ``md`` leaves it as it is."""

    __slots__ = ()


#: Characters that start a construct anywhere in a line (emphasis, code, links and images,
#: maths, directives and shortcodes, strikethrough, tables, autolinks of e-mail addresses and
#: ``scheme:``, raw HTML): a backslash escape each, which CommonMark allows for any ASCII
#: punctuation; < > & become character references, so that no tag survives even where raw
#: HTML is allowed. Other punctuation (a case number's hyphen, a date) is left as it is.
_ESCAPES: dict[int, str] = {ord(c): "\\" + c for c in "\\`*_[]()!$~|#/@{}"}
_ESCAPES.update({ord("<"): "&lt;", ord(">"): "&gt;", ord("&"): "&amp;"})
#: A line that would start a block: a list item, a setext underline, a thematic break.
_BLOCK_START = re.compile(r"^([-+=])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")
#: A colon before a name starts a directive (``:red[``), an icon or a ``scheme:`` link.
_DIRECTIVE = re.compile(r":(?=[\w/+-])")
#: GFM turns ``www.example.org`` into a link.
_WWW = re.compile(r"(?i)\b(www)\.")
#: Shortcodes that Streamlit replaces in the text after escapes are undone (``:smile:``,
#: ``:material_icon:``, ``:streamlit:``): an invisible word joiner after the first colon
#: keeps them from matching.
_SHORTCODE = re.compile(r":(?=[\w+-][\w+-]*:)", re.ASCII)
_WORD_JOINER = "\u2060"


def md(text: object) -> Markdown:
    """``text`` as Markdown that shows it literally: the punctuation that starts a construct
    escaped (links, images, emphasis, headings, lists, code, tables, quotes, maths,
    directives and autolinks are inert), ``< > &`` as character references, shortcodes
    broken, and each line break kept as a hard break (so no line can start a new block).
    ``None`` shows as an empty string; a ``Markdown`` value is returned unchanged."""
    if isinstance(text, Markdown):
        return text
    if text is None:
        return Markdown("")
    lines = [_escape_line(line) for line in str(text).splitlines()]
    return Markdown("\\\n".join(lines))


def _escape_line(line: str) -> str:
    # Leading blanks would make an indented code block; trailing ones a hard break.
    escaped = _SHORTCODE.sub(":" + _WORD_JOINER, line.strip()).translate(_ESCAPES)
    escaped = _DIRECTIVE.sub(r"\\:", escaped)
    escaped = _ORDERED.sub(r"\1\\\2", _BLOCK_START.sub(r"\\\1", escaped))
    return _WWW.sub(r"\1\\.", escaped)


def tm(key: str, /, language: str | None = None, **values: object) -> Markdown:
    """The message for ``key`` (as ``t``) for a Markdown element: the template's own
    Markdown is kept, every value is shown literally."""
    return Markdown(t(key, language, **_escaped(values)))


def tnm(key: str, count: int, /, language: str | None = None, **values: object) -> Markdown:
    """``tn`` for a Markdown element: every value shown literally."""
    return Markdown(tn(key, count, language, **_escaped(values)))


def _escaped(values: dict[str, object]) -> dict[str, Markdown]:
    return {name: md(value) for name, value in values.items()}


def html_text(text: object, *, breaks: bool = False) -> str:
    """``text`` for a raw HTML block: HTML-escaped, with every colon before a letter written
    as a character reference (Streamlit rewrites ``:material/...:`` even inside raw HTML),
    and on one line, since a blank line would end the block and hand the rest to Markdown:
    runs of white space become one space, or with ``breaks`` each line break a ``<br>``."""
    escaped = _HTML_COLON.sub("&#58;", html.escape("" if text is None else str(text)))
    if breaks:
        return "<br>".join(_BLANKS.sub(" ", line) for line in escaped.splitlines())
    return _BLANKS.sub(" ", escaped)


_HTML_COLON = re.compile(r":(?=[A-Za-z/])")
_BLANKS = re.compile(r"\s+")
