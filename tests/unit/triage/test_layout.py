"""Hard-wrapped and oddly spaced narratives are read as the same claim, offsets unchanged."""

from __future__ import annotations

import textwrap

import pytest

from triage import nlp
from triage.layout import regular

CLAIM = ("In March 2019 the police arrested me at a rally of the opposition party and tortured "
         "me in detention because of my political opinion. After I was released, soldiers came "
         "to my house at night, searched it and told my mother that they would kill me if I "
         "continued to attend the meetings of the party. I left the country in June 2019 with "
         "the help of my uncle, who paid an agent.")


def wrapped(text: str, width: int = 72) -> str:
    return "\n".join(textwrap.wrap(text, width))


def sentences(text: str) -> list[str]:
    doc = nlp.analyse(text)
    return [" ".join(s.text.split()) for s in nlp.sentences_of(doc)]


def test_a_hard_wrapped_claim_reads_as_the_same_sentences() -> None:
    flowing = sentences(CLAIM)
    assert len(flowing) == 3
    assert sentences(wrapped(CLAIM)) == flowing
    assert sentences(wrapped(CLAIM, 60).replace("\n", "\r\n")) == flowing


def test_the_wrapped_claim_gets_the_same_suggestion() -> None:
    from triage.engine import TriageInput, Triager

    triager = Triager.from_files()
    plain, wrap = triager.suggest_many([TriageInput(CLAIM, nationality="BGD"),
                                        TriageInput(wrapped(CLAIM), nationality="BGD")])
    assert wrap.category == plain.category
    assert wrap.p_b == pytest.approx(plain.p_b, abs=0.02)


def test_every_character_stays_where_it_was() -> None:
    text = wrapped(CLAIM).replace(" ", "\u00a0", 5)
    out = regular(text)
    assert len(out) == len(text)
    assert all(a == b or b == " " for a, b in zip(text, out, strict=True))
    assert "\u00a0" not in out


@pytest.mark.parametrize("text", [
    # Headings, list items, blank lines and full stops keep their line breaks.
    "Summary of the claim as written by the applicant's supporter\nThe applicant has a quarrel "
    "with a business partner.",
    "Summary of claim (as written by applicant's supporter, English)\n\"The applicant has a "
    "quarrel with a business partner.\"",
    "The applicant describes the following events in his written statement\n- he was beaten "
    "by the police\n- he was detained for two days",
    "The applicant describes the following events in his written statement\n1. arrest in 2019",
    "The police came to my house and arrested my brother in front of us.\nthey took him away.",
    "The applicant was questioned twice by the police about his brother\n\nthe second time",
    "Short line\ncontinues here",
    "警察に逮捕されたのは二〇一九年三月のことで、私は反政府デモに参加していた\nからだと思います。",
])
def test_breaks_that_are_not_wraps_are_kept(text: str) -> None:
    assert regular(text) == text


def test_a_name_carried_to_the_next_line_is_joined() -> None:
    text = ("He consequently came to the Canadian border on\nMarch 7, 2002 and claimed "
            "refugee status.")
    assert "\n" not in regular(text)


JA_CLAIM = ("私は二〇一九年三月、野党の集会に参加していたところを警察に逮捕され、"
            "政治的な意見を理由に三日間拘束されて殴られました。"
            "釈放された後も、兵士が夜に家に来て、党の会合に出続けるなら"
            "私を殺すと母に言いました。私は二〇一九年六月、叔父の助けを借りて出国しました。")


def ja_wrapped(text: str, width: int) -> str:
    # Japanese is wrapped anywhere, even inside a word.
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))


@pytest.mark.parametrize("width", [20, 33])
def test_a_hard_wrapped_japanese_claim_reads_as_the_same_sentences(width: int) -> None:
    flowing = [s.replace("\n", "") for s in sentences(JA_CLAIM)]
    assert len(flowing) == 3
    text = ja_wrapped(JA_CLAIM, width)
    doc = nlp.analyse(text)
    assert doc.text == text  # the words still give the text back exactly
    assert [s.text.replace("\n", "") for s in nlp.sentences_of(doc)] == flowing


def test_the_wrapped_japanese_claim_gets_the_same_suggestion() -> None:
    from triage.engine import TriageInput, Triager

    triager = Triager.from_files()
    plain, wrap = triager.suggest_many([TriageInput(JA_CLAIM, nationality="MMR"),
                                        TriageInput(ja_wrapped(JA_CLAIM, 20),
                                                    nationality="MMR")])
    assert wrap.category == plain.category
    assert wrap.p_b == pytest.approx(plain.p_b, abs=0.02)
    assert {c.label for e in wrap.evidence for c in e.cues} == {
        c.label for e in plain.evidence for c in e.cues}


def test_japanese_headings_and_list_items_keep_their_breaks() -> None:
    from triage.japanese import wrap_breaks

    text = ("申立ての概要\n私は野党の党員として活動してきましたが、警察に逮捕されました。\n"
            "家族の状況について申し上げますと、次のとおりです\n・兄も逮捕された\n"
            "（１）父は行方不明である")
    assert wrap_breaks(text) == []
