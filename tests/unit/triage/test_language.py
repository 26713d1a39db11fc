"""Which language a narrative is in: English and Japanese are read, others left to a person."""

from __future__ import annotations

import pytest

from triage import corpus, realset
from triage.language import language_of

OTHER_LANGUAGES = [
    ("fr", "Le demandeur allègue que la police l'a arrêté et torturé parce qu'il était membre "
           "d'un parti d'opposition."),
    ("fr", "J'ai été arrêté en 2019 par les militaires. Ils m'ont battu et ils ont menacé ma "
           "famille."),
    ("es", "El solicitante alega que la pandilla le exigía dinero y que lo amenazaron de muerte "
           "porque no pagó."),
    ("es", "Me detuvieron los policías por participar en una manifestación contra el gobierno."),
    ("pt", "Eu fui ameaçado pelos homens do agiota porque não paguei a dívida da minha família."),
    ("de", "Ich wurde von der Polizei geschlagen, weil ich in der Opposition war."),
    ("de", "Der Antragsteller wurde von der Polizei verhaftet."),
    ("it", "Il richiedente sostiene di essere stato arrestato dalla polizia perché era un membro "
           "del partito."),
    ("nl", "Ik werd door de politie gearresteerd omdat ik lid was van de oppositie."),
]


@pytest.mark.parametrize(("code", "text"), OTHER_LANGUAGES)
def test_a_claim_in_another_latin_script_language_is_not_read_as_english(code: str, text: str
                                                                        ) -> None:
    assert language_of(text) == code


@pytest.mark.parametrize("text", [
    # English that quotes Spanish or names places and gangs in it.
    "The claimant says the cartel (los Zetas) told him: 'te vamos a matar si no pagas la "
    "cuota'. He refused to pay and was shot at.",
    "Appl. Los Zetas, la cuota, el jefe de la plaza demanded money; he refused to pay.",
    # Terse officer's notes in English, with almost no function words.
    "Appl. (Karachi, Gulshan-e-Iqbal). Fears street crime – mugged 2x (phone, wallet), "
    "reported to police. No targeted threat.",
    "I fear the gang.",
])
def test_english_with_foreign_names_or_in_note_form_stays_english(text: str) -> None:
    assert language_of(text) == "en"


def test_japanese_and_other_scripts() -> None:
    assert language_of("反政府デモに参加し、警察に写真を撮られました。") == "ja"
    assert language_of("Мой кредитор угрожал мне, потому что я не вернул долг.") == "other"


def test_every_project_narrative_keeps_its_language() -> None:
    wrong = [r.id for r in corpus.load() if language_of(r.narrative) != r.language]
    assert wrong == []


@pytest.mark.skipif(not realset.available(), reason="needs ../shared/real-claims")
def test_every_real_decision_reads_as_english() -> None:
    texts = [t for c in realset.build() for t in (c.narrative, c.wide)]
    assert len(texts) > 500
    assert {language_of(t) for t in texts} == {"en"}
