# ruff: noqa: E501  (a decision's paragraphs are long lines, as in the real texts)
"""The real development set's recipe (``triage.realset``) on small texts written for these
tests, and the set built from the real decisions when they are at hand (skipped otherwise)."""

from __future__ import annotations

import pytest

from triage import realset

DECISION = """REASONS FOR DECISION
INTRODUCTION
[1] The claimant, a citizen of Honduras, claims refugee protection pursuant to sections 96 and 97(1) of the Act.
ALLEGATIONS
[2] The claimant alleges that a street gang demanded a weekly payment from the small shop he ran in his town and beat him when he refused.
[3] He reported the beating to the police, who did not act. The panel finds his account credible.
[4] The gang told him that they would kill him if he went to the police again, and he left the country.
ANALYSIS
[5] I find that there is no nexus between the harm feared and a Convention ground. The claimant is a victim of crime.
DETERMINATION
[6] The claimant is not a Convention refugee but is a person in need of protection.
"""


def test_allegations_takes_the_section_under_its_heading() -> None:
    cut, wide = realset.allegations(DECISION)
    assert "weekly payment" in cut and "kill him" in cut
    assert "no nexus" not in cut and "DETERMINATION" not in cut
    assert "citizen of Honduras" in wide and "no nexus" not in wide


def test_allegations_without_a_heading_keeps_the_alleging_paragraphs() -> None:
    text = ("REASONS FOR DECISION\n"
            "[1] These are the reasons of the panel in the claim heard in Toronto on a date in "
            "the spring, with counsel present and an interpreter sworn in.\n"
            "[2] The claimant alleges that soldiers detained him twice because of his work for "
            "an opposition party and beat him during questioning.\n"
            "ANALYSIS\n[3] The claimant is a Convention refugee.\n")
    cut, _ = realset.allegations(text)
    assert "opposition party" in cut and "interpreter" not in cut


def test_scrub_removes_findings_and_legal_tests_only() -> None:
    cut, _ = realset.allegations(DECISION)
    clean = realset.scrub(cut)
    assert "credible" not in clean and "panel finds" not in clean
    assert "weekly payment" in clean and "went to the police again" in clean
    assert realset.scrub("He fears the army. The panel finds a nexus to his political "
                         "opinion.") == "He fears the army."


@pytest.mark.parametrize(("text", "expected"), [
    (DECISION, "b"),
    ("I find that the claimant is a Convention refugee.", "convention"),
    ("The claimant fails to establish a nexus to any Convention ground.", "b"),
    ("The claim was assessed only under section 97 of the Act.", "b"),
    ("The claim is based on his political opinion. The panel rejects it on credibility.",
     "convention"),
    ("The claimant is not merely a victim of crime. The claim is based on her religion.",
     "convention"),
    ("A grant elsewhere is not a determination that the person is a Convention refugee.", None),
    ("There is no nexus for the father. The daughter is a Convention refugee.", None),
    ("The claimant was not credible.", None),
    ('I find that the claimant is a "Convention refugee"4 under section 96.', "convention"),
    ('The claimants allege that they are "Convention refugees" and fear the army.', None),
    ("The claimant has not established a nexus to any ground of the definition.", "b"),
    ("CONCLUSION I find the claimant to be a person in need of protection under the Act.",
     "b"),
    ("The claimant claims that she is a person in need of protection.", None),
    ("KEYWORDS - REFUGEE PROTECTION DIVISION - POLITICAL OPINION - CREDIBILITY - MALE - "
     "NEGATIVE", "convention"),
])
def test_label_comes_from_explicit_findings(text: str, expected: str | None) -> None:
    assert realset.label(text)[0] == expected


def test_voice_and_length() -> None:
    assert realset.voice_of("You allege that the police came to your house.") == \
        "second_person"
    assert realset.voice_of("In his Basis of Claim form he wrote that the army came.") == \
        "boc_summary"
    assert realset.voice_of("The claimant alleges that the army came.") == "third_person"
    assert realset.length_bin("x" * 100).startswith("short")
    assert realset.length_bin("x" * 5000).startswith("long")


def test_nationality_from_the_text() -> None:
    assert realset.nationality_of("The claimant is a citizen of Sri Lanka and fears") == "LKA"
    assert realset.nationality_of("No country is named here.") is None


def test_absent_folder_builds_nothing(tmp_path) -> None:  # noqa: ANN001
    assert not realset.available(tmp_path)
    assert realset.build(tmp_path) == []


@pytest.mark.skipif(not realset.available(), reason="the real decisions are not at hand")
def test_the_real_set_counts_and_labels() -> None:
    claims = realset.build()
    summary = realset.summary(claims)
    assert 400 <= summary["decisions"] <= 549
    labelled = [c for c in claims if c.label]
    assert len(labelled) >= 180
    b_share = sum(c.is_b for c in labelled) / len(labelled)
    assert 0.10 <= b_share <= 0.30
    test = [c for c in labelled if c.part == "test"]
    assert 40 <= len(test) <= 100 and sum(c.is_b for c in test) >= 8
    assert {c.year for c in test} <= realset.TEST_YEARS
    assert not {c.year for c in labelled if c.part == "train"} & realset.TEST_YEARS
    assert len({c.id for c in claims}) == len(claims)
    # The label cannot be read off the text.
    for claim in claims:
        assert not realset.LEGAL.search(claim.narrative), claim.id
        assert claim.id.startswith("rpd-")
