"""Case-linked suggestions: the passages most relevant to an applicant's nationality and to
the topics of the claim, ranked, each with the reasons it was suggested.

1. The claim narrative is tagged with the COI taxonomy (``coi.topics``) and its distinctive
   words are kept: stop words (spaCy's English and Japanese lists and the project's own),
   the boilerplate of claims and reports ("including", "according", "prices") and, in
   Japanese, the character pairs that hold hiragana (particles and endings) are dropped.
   Each word is then weighed by how rare it is in the library (inverse document frequency
   from ``coi_term_stat``): a word found in more than ``COMMON_SHARE`` of the passages
   carries nothing and is not searched for.
2. Candidates come from the library restricted to documents about the applicant's country:
   the passages ranked best (BM25 / ts_rank_cd) for any of the claim's words, and the
   current passages tagged with the claim's topics.
3. Each candidate is scored: text relevance (rank among candidates), topics shared with the
   claim, words of the claim it contains, and currency (current edition, recent).
   The reasons shown are exactly those parts of the score.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.ja.stop_words import STOP_WORDS as JA_STOP_WORDS
from sqlalchemy import func, select
from sqlmodel import Session

from coi import facets
from coi.cjk import has_cjk, stem, tokens
from coi.query import Or, Term
from coi.search_backends import backend_for
from coi.search_hits import SearchHit, load_hits
from coi.search_request import Plan

_STOP = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each even ever every
few for from further get got had has have having he her here hers herself him himself his how
i if in into is it its itself just let like made make many may me might more most much must my
myself never no nor not now of off on once one only or other our ours ourselves out over own
said same say says she should since so some still such than that the their theirs them
themselves then there these they this those through to too under until up upon us very was we
were what when where which while who whom why will with within without would yet you your
yours yourself yourselves
applicant applicants claim claims claimed claiming states stated told tell says year years
month months day days time times went go going came come people person family home house
country because later after before first second third back know knew think thought felt
want wanted asked ask take took left leave living lived live work worked
""".split())
#: Words of spaCy's English stop list that say something in a protection claim (a former
#: soldier, the front line, a phone call, a serious threat, a fire set to the house).
_SPACY_KEPT = frozenset("""
call former front name part serious side top fire move show give full empty bottom whole
amount
""".split())
_STOP = _STOP | (frozenset(w.lower() for w in EN_STOP_WORDS) - _SPACY_KEPT) \
    | frozenset(JA_STOP_WORDS)

#: Words of claims and reports that say nothing about what happened to the applicant: the
#: reporting frame ("according to", "reportedly"), list and hedge words, and the money and
#: prices of daily life that run through every country report.
_BOILERPLATE = frozenset("""
including include includes included according reported reportedly report reports stated
various several particularly especially general generally situation information
source sources example instance approximately around number numbers total data
prices price cost costs expensive cheap money paid pay payment afford fee fees
economy economic income salary wage wages
""".split())

#: A word found in more than this share of the library's passages tells them apart no
#: better than a stop word: it carries no weight and is not searched for.
COMMON_SHARE = 0.25

#: Every distinctive word of a claim takes part (BM25 weighs rare words up); more than this
#: many are cut, most frequent kept.
MAX_TERMS = 60
CANDIDATES = 100
#: Weights of the parts of the score: text rank, share of the claim's topics, topics in
#: common (up to two), share of the claim's words. Chosen on data/coi/judged.toml.
W_TEXT, W_TOPIC, W_TOPIC2, W_WORDS = 2.0, 0.6, 0.25, 0.4


@dataclass(frozen=True)
class Suggestion:
    hit: SearchHit
    score: float
    reasons: tuple[str, ...]
    shared_topics: tuple[str, ...]
    matched_words: tuple[str, ...]


_HIRAGANA = re.compile("[\u3041-\u309f]")


def _key_term(tok: str) -> bool:
    """Whether an index token of a claim can be one of its key terms."""
    if tok in _STOP or tok in _BOILERPLATE or tok.isdigit():
        return False
    if has_cjk(tok):
        # A pair with hiragana is a particle or an ending (私は, され, こと), or straddles one.
        return not _HIRAGANA.search(tok)
    return len(tok) >= 3


def claim_terms(narrative: str, limit: int | None = None) -> list[str]:
    """Distinctive words of the narrative, most frequent first (CJK as bigrams): no stop
    words, no boilerplate, no Japanese particles and endings."""
    limit = limit or MAX_TERMS
    counts: Counter[str] = Counter()
    order: dict[str, int] = {}
    for i, tok in enumerate(tokens(narrative)):
        if not _key_term(tok):
            continue
        counts[tok] += 1
        order.setdefault(tok, i)
    ranked = sorted(counts, key=lambda t: (-counts[t], order[t]))
    return ranked[:limit]


def term_weights(df: dict[str, int], *, passages: int) -> dict[str, float]:
    """Each word's weight: its inverse document frequency in the library, nothing for a word
    found in more than ``COMMON_SHARE`` of the passages."""
    weights: dict[str, float] = {}
    for word, count in df.items():
        if passages and count / passages > COMMON_SHARE:
            weights[word] = 0.0
        else:
            weights[word] = math.log((passages + 1) / (count + 1)) + 1.0
    return weights


def library_weights(session: Session, words: list[str]) -> dict[str, float]:
    """``term_weights`` of ``words`` from the library's token counts (``coi_term_stat``);
    a word the library does not hold counts as found nowhere."""
    from models.coi import CoiPassage, CoiTermStat

    if not words:
        return {}
    passages = session.execute(select(func.count()).select_from(CoiPassage)).scalar_one()
    df = dict.fromkeys(words, 0)
    for start in range(0, len(words), 500):
        df.update(session.execute(select(CoiTermStat.term, CoiTermStat.df).where(
            CoiTermStat.term.in_(words[start:start + 500]))).all())
    return term_weights(df, passages=passages)


def country_name(code: str) -> str:
    from coi.gazetteer import by_code

    try:
        return by_code(code).name
    except KeyError:
        return code


def claim_topics(narrative: str) -> list[str]:
    from coi.topics import tag_scores

    scores = tag_scores(narrative)
    return [code for code, hits in sorted(scores.items(), key=lambda kv: -kv[1]) if hits > 0]


def topic_labels() -> dict[str, str]:
    from coi.topics import topics

    return {t.code: t.label for t in topics()}


def suggest(session: Session, *, nationality: str | None, narrative: str, today: date,
            limit: int = 10, max_age_years: int = 3) -> list[Suggestion]:
    """Ranked suggestions for an applicant; empty when the library has nothing on the
    country (suggestions never reach outside the applicant's country)."""
    if not nationality:
        return []
    country_tok = (facets.token("country", nationality),)
    words = claim_terms(narrative)
    weights = library_weights(session, words)
    words = [w for w in words if weights.get(w, 0.0) > 0.0]
    topic_codes = claim_topics(narrative)
    backend = backend_for(session)
    candidates: dict[int, float] = {}
    if words:
        node = Or(tuple(Term(w) for w in words)) if len(words) > 1 else Term(words[0])
        plan = Plan(node, (country_tok,), (), (), None, None, None, None, "relevance")
        ranked = backend.ranked(session, plan, CANDIDATES, 0)
        for position, (pid, _score) in enumerate(ranked):
            candidates[pid] = 1.0 - position / max(len(ranked), 1)
    if topic_codes:
        topic_toks = tuple(facets.token("topic", t) for t in topic_codes)
        plan = Plan(None, (country_tok, topic_toks), (facets.CURRENT_TOKEN,), (), None, None,
                    None, None, "published")
        for pid, _score in backend.ranked(session, plan, CANDIDATES, 0):
            candidates.setdefault(pid, 0.0)
    if not candidates:
        return []
    hits = load_hits(session, [(pid, s) for pid, s in candidates.items()], [],
                     today=today, max_age_years=max_age_years)
    labels = topic_labels() if topic_codes else {}
    claim_weight = sum(weights[w] for w in words)
    wanted_topics = set(topic_codes)
    scored: list[Suggestion] = []
    for hit in hits:
        text_score = candidates[hit.passage_id]
        shared = tuple(t for t in topic_codes if t in hit.topics)
        passage_words = set(tokens(hit.text))
        passage_stems = {stem(w) for w in passage_words} - {None}
        matched = tuple(w for w in words
                        if w in passage_words or (stem(w) is not None
                                                  and stem(w) in passage_stems))
        score = W_TEXT * text_score
        score += W_TOPIC * len(shared) / max(len(wanted_topics), 1)
        score += W_TOPIC2 * min(len(shared), 2)
        score += W_WORDS * sum(weights[w] for w in matched) / (claim_weight or 1.0)
        reasons = [f"About {country_name(nationality)}, the applicant's country"]
        if shared:
            reasons.append("Topics shared with the claim: "
                           + ", ".join(labels.get(t, t) for t in shared))
        if matched:
            telling = sorted(matched, key=lambda w: (-weights[w], matched.index(w)))
            reasons.append("Words from the claim: " + ", ".join(telling[:6]))
        if hit.superseded_by is not None:
            score -= 0.5
            reasons.append("Older edition: a newer one exists")
        elif hit.published_on is not None:
            age_years = max(0.0, (today - hit.published_on).days / 365.25)
            score += 0.2 * math.exp(-age_years / 3)
            reasons.append(f"Current edition, published {hit.published_on.isoformat()}")
        scored.append(Suggestion(hit=hit, score=round(score, 4), reasons=tuple(reasons),
                                 shared_topics=shared, matched_words=matched))
    scored.sort(key=lambda s: (-s.score, s.hit.passage_id))
    return scored[:limit]
