"""Which language a narrative is written in, as far as the triage needs to know.

The pipeline reads English and Japanese. A narrative in another language must be left to a
person, not read as English: a French or Spanish claim run through the English cues and the
English-trained detector gets a probability of B that means nothing, and before this check a
German claim of a police arrest was suggested B.

Japanese is told from the script. A text in Latin letters is told apart by its function
words (articles, pronouns, prepositions), which make up a large share of any running text and
barely overlap between languages. The check is deliberately cautious: a text is called
another language only when English function words are nearly absent and another language's
are plentiful, so an English claim that quotes Spanish or names places in French stays
English. Other scripts (Cyrillic, Arabic, Devanagari, …) without Latin or Japanese text are
``other``.
"""

from __future__ import annotations

import re

from triage.japanese import CJK, LATIN, is_japanese

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

#: Function words of each language told apart (lower case). Words shared by several
#: languages ("a", "de", "la", "in") count for each of them; what decides is the share.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and of to in was that he she his her him i my me we our you your they their "
        "them were is with for on by at from had have has not because this it are be been "
        "who which an a would could there when after before did do said told also but or "
        "if into about against".split()),
    "fr": frozenset(
        "le la les et des du un une que qui dans pour pas est il elle je mon ma mes sur "
        "avec au aux été ont nous vous son sa ses par ce cette était avait ai suis parce "
        "leur leurs j'ai c'est qu'il d'un d'une l'a".split()),
    "es": frozenset(
        "el la los las y que de del en un una por para con no es fue su sus mi mis yo él "
        "ella porque se lo le al pero como me nos les era estaba había muy".split()),
    "pt": frozenset(
        "o os a as e que de do da dos das em no na um uma por para com não foi seu sua meu "
        "minha eu ele ela porque se ao pelo pela era estava tinha muito".split()),
    "de": frozenset(
        "der die das und ist ich mein meine nicht mit von zu den dem ein eine wurde er sie "
        "es auf für aus bei hat habe war sich weil mich mir wir uns ihr ihre einen".split()),
    "it": frozenset(
        "il lo la gli le e che di del della in un una per con non è mio mia io lui lei "
        "perché sono stato era mi ci ho ha".split()),
    "nl": frozenset(
        "de het een en van ik mijn niet met is was dat die voor op te zijn hij zij werd "
        "heb heeft ook maar omdat".split()),
}

#: Words looked at: enough to tell the language of any narrative, and a bound on the work.
SAMPLE_WORDS = 200
#: A text with fewer words is left as English (too little to tell).
MIN_WORDS = 5
#: A text with more than this share of English function words is English (running English
#: has 35–50 %; terse notes in English as little as none, which is why the rest is needed).
CLEARLY_ENGLISH = 0.2
#: Another language needs at least this share and count of its function words, and this
#: many times the English ones.
MIN_OTHER_SHARE = 0.25
MIN_OTHER_HITS = 3
OTHER_OVER_ENGLISH = 3


def latin_language(text: str) -> str:
    """``en`` unless the words of ``text`` are clearly another language's (``fr``, ``es``,
    ``pt``, ``de``, ``it`` or ``nl``)."""
    words = [w.lower() for w in _WORD.findall(text[:SAMPLE_WORDS * 7])][:SAMPLE_WORDS]
    if len(words) < MIN_WORDS:
        return "en"
    english = sum(w in FUNCTION_WORDS["en"] for w in words)
    if english / len(words) > CLEARLY_ENGLISH:
        return "en"  # nearly every narrative ends here
    hits = {lang: sum(w in vocab for w in words) for lang, vocab in FUNCTION_WORDS.items()
            if lang != "en"}
    lang = max(hits, key=lambda k: hits[k])
    if (hits[lang] >= MIN_OTHER_HITS and hits[lang] / len(words) >= MIN_OTHER_SHARE
            and hits[lang] >= OTHER_OVER_ENGLISH * english):
        return lang
    return "en"


def language_of(text: str) -> str:
    """``ja``, ``en``, another Latin-script language's code, or ``other`` (no Latin or
    Japanese text at all)."""
    if not CJK.search(text):  # no Japanese: no need to count the Latin letters
        return latin_language(text) if LATIN.search(text) else "other"
    return "ja" if is_japanese(text) else latin_language(text)
