"""Passages have a bounded length in every format: an over-long paragraph (a file that is
one 20 MB line) becomes several passages cut at sentence or word boundaries."""

from __future__ import annotations

from dataclasses import replace

from coi.extracted import (
    MAX_PASSAGE_CHARS,
    ExtractedDocument,
    Passage,
    bound_passages,
    split_text,
)
from coi.html_extract import extract_html_bytes
from coi.text_extract import extract_text_bytes

SENTENCE = "The police detained returnees at the border crossing. "


def _words(text: str) -> list[str]:
    return text.split()


def test_a_20_mb_line_of_text_becomes_bounded_passages_cut_at_sentence_ends() -> None:
    line = (SENTENCE * (20_000_000 // len(SENTENCE) + 1))[:20_000_000].rsplit(" ", 1)[0]
    document = extract_text_bytes(line.encode("utf-8"), "one-line.txt")
    passages = document.passages
    assert len(passages) > 20_000_000 // MAX_PASSAGE_CHARS
    assert max(len(p.text) for p in passages) <= MAX_PASSAGE_CHARS
    assert [p.paragraph for p in passages] == list(range(1, len(passages) + 1))
    assert all(p.text.endswith("crossing.") for p in passages[:-1])
    assert _words(" ".join(p.text for p in passages)) == _words(line)


def test_an_html_paragraph_without_breaks_is_bounded_too() -> None:
    body = SENTENCE * 2000
    html = f"<html><body><h1>Report</h1><p>{body}</p><p>Closing words.</p></body></html>"
    passages = extract_html_bytes(html.encode("utf-8"), "page.html").passages
    assert max(len(p.text) for p in passages) <= MAX_PASSAGE_CHARS
    assert len(passages) > len(body) // MAX_PASSAGE_CHARS
    assert passages[-1].text == "Closing words."
    assert passages[-1].paragraph == len(passages)


def test_without_sentence_ends_text_is_cut_between_words() -> None:
    text = "word " * 3000
    pieces = split_text(text, 100)
    assert all(len(p) <= 100 for p in pieces)
    assert all(set(p.split()) == {"word"} for p in pieces)
    assert _words(" ".join(pieces)) == _words(text)


def test_unsegmented_text_without_punctuation_is_cut_at_the_limit() -> None:
    pieces = split_text("難民" * 500, 300)
    assert [len(p) for p in pieces] == [300, 300, 300, 100]
    sentences = split_text("難民認定申請の審査が行われた。" * 100, 300)
    assert all(p.endswith("。") and len(p) <= 300 for p in sentences)


def test_bounding_keeps_page_headings_and_topics_and_moves_later_paragraphs_up() -> None:
    long = Passage(SENTENCE * 200, page=3, paragraph=2, heading_path=("Security",),
                   topics=("returnees",), index_text="stale")
    passages = [Passage("First.", 1, 1), long, Passage("Last.", 4, 3)]
    bounded = bound_passages(passages, limit=1000)
    middle = bounded[1:-1]
    assert len(middle) > 1
    assert {(p.page, p.heading_path, p.topics, p.index_text) for p in middle} == {
        (3, ("Security",), ("returnees",), "")}
    assert [p.paragraph for p in bounded] == list(range(1, len(bounded) + 1))
    assert bounded[-1].text == "Last."
    short = [Passage("Short.", None, 1)]
    assert bound_passages(short) is short


def test_every_document_made_or_copied_obeys_the_bound() -> None:
    document = ExtractedDocument(pages=[], page_count=None, kind="text",
                                 passages=[Passage("x " * MAX_PASSAGE_CHARS, None, 1)])
    assert len(document.passages) == 2
    copied = replace(document, passages=[Passage("y " * MAX_PASSAGE_CHARS * 2, None, 1)])
    assert max(len(p.text) for p in copied.passages) <= MAX_PASSAGE_CHARS
