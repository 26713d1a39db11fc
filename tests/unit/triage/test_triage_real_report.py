"""The real decisions' section of the evaluation report: besides the allegations as cut, the
same decisions read in a wider cut, so that a reader sees how much the figures depend on what
else the text holds. A stand-in triager keeps the figures predictable."""

from __future__ import annotations

from types import SimpleNamespace

from triage import evaluation

STORY_B = "Gang members demanded money from my shop and beat me when I refused to pay."
STORY_CONVENTION = "The police arrested me at a rally because of my political opinion."
PROCEDURE = " I arrived at the airport with my passport and made my claim the next day."


class _ByWords:
    """p(B) 0.9 for a text about a gang, 0.1 otherwise; a text with procedure in it is read
    with far less certainty either way, the way a diluted text is."""

    def suggest_many(self, items):  # noqa: ANN001, ANN202
        out = []
        for item in items:
            p = 0.9 if "Gang" in item.narrative else 0.1
            if "airport" in item.narrative:
                p = 0.5 + (p - 0.5) / 5
            out.append(SimpleNamespace(p_b=p, category="B" if p >= 0.6 else "D2"))
        return out


def _claim(story: str, is_b: bool, wide: str | None) -> SimpleNamespace:
    return SimpleNamespace(narrative=story, wide=wide, nationality=None, is_b=is_b,
                           voice="third_person", year=2004)


def test_the_report_reads_the_wider_cut_too_and_says_how_the_figures_move() -> None:
    claims = [_claim(STORY_B, True, STORY_B + PROCEDURE) for _ in range(3)] + [
        _claim(STORY_CONVENTION, False, STORY_CONVENTION + PROCEDURE) for _ in range(9)]
    data = evaluation.real_report(_ByWords(), claims, rounds=20)
    assert data["b"]["tp"] == 3 and data["b"]["fp"] == 0
    assert data["wide_cut"]["tp"] == 0  # diluted, no B is suggested any more
    assert data["wide_cut"]["median_chars"] > data["median_chars"]
    text = evaluation.format_real(data)
    assert "Read in a wider cut" in text
    assert "B suggested 0 right / 0 wrong" in text


def test_without_a_wider_cut_the_report_says_nothing_of_one() -> None:
    claims = [_claim(STORY_B, True, None) for _ in range(3)] + [
        _claim(STORY_CONVENTION, False, STORY_CONVENTION) for _ in range(9)]
    data = evaluation.real_report(_ByWords(), claims, rounds=20)
    assert data["wide_cut"] is None
    assert "wider cut" not in evaluation.format_real(data)
