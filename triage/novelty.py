"""What a repeat claim adds to the earlier ones, sentence by sentence.

Each sentence of the new claim is compared with every sentence of each earlier claim on the
stems of its content words (for Japanese: Sudachi's normalised forms of its nouns, verbs and
adjectives, so that 逮捕されました and 逮捕された are one word and the officer's frame
申請者は…旨供述した counts for nothing): cosine of the counts and rapidfuzz's token-sort
ratio, the larger of the two. A sentence is ``repeated`` when it is close to an earlier one,
``reworded`` when it is only partly so and ``new`` otherwise. A new sentence is ``material``
when it carries an asserted cue of harm, an agent, a Convention ground or the conflict, or
speaks of something that happened since the last application; thanks, pleas and life in Japan
are not material. A sentence that is not retold almost word for word and tells of harm dated
after the earlier claim ("last month", "since my last application") is new: familiar words, a
new event.

Japanese officers' summaries recite the procedure (入国, 在留資格, 不認定処分, 審査請求, 棄却 …)
that a first-person earlier claim never told: such a sentence, telling no harm, agent, ground or
conflict, is left out of the comparison; and a new Japanese sentence is material only when it
tells harm, a ground, the conflict or a state agent (前回/新たに alone date it, and a relative
named is no fact of persecution).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from spacy.attrs import NORM, TAG
from spacy.tokens import Doc

from triage.cues import stem
from triage.nlp import sentences_of, text_of

REPEATED = 0.55
REWORDED = 0.33
#: Similarity at or above which a sentence is the earlier one retold, whatever dates it names.
RETOLD = 0.75
MATERIAL_FAMILIES = frozenset({"harm", "agent", "ground", "conflict", "new"})

_STOP = frozenset(
    "a an the and or but of to in on at for from by with about as into over after before "
    "i me my mine we us our you your he him his she her they them their it its this that "
    "these those is am are was were be been being have has had do does did will would "
    "shall should can could may might must not no so than then there here when where which "
    "who whom what why how also very just again still all any some because if while".split()
)
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class SentenceNovelty:
    text: str
    start: int
    end: int
    status: str  # "repeated", "reworded" or "new"
    similarity: float
    earlier: int | None  # index of the earlier claim it is closest to
    earlier_text: str | None
    material: bool
    cue_types: tuple[str, ...]


@dataclass(frozen=True)
class Novelty:
    sentences: tuple[SentenceNovelty, ...]
    closest_earlier: int | None  # the earlier claim this one repeats most
    closest_share: float  # share of the new claim's text that repeats that claim
    new_share: float  # share of the new claim's text in "new" sentences
    material_new: int  # number of new sentences that are material

    @property
    def has_material_news(self) -> bool:
        return self.material_new > 0


_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+")


def _bag(text: str) -> Counter:
    """Stems of the content words; text without spaces (Japanese) as character bigrams."""
    bag = Counter(stem(w) for w in _WORDS.findall(_CJK_RUN.sub(" ", text.lower()))
                  if w not in _STOP)
    for run in _CJK_RUN.findall(text):
        bag.update(run[i:i + 2] for i in range(len(run) - 1))
    return bag


def _cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    if not dot:
        return 0.0
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def _similarity(a_text: str, a_bag: Counter, b_text: str, b_bag: Counter) -> float:
    cosine = _cosine(a_bag, b_bag)
    if cosine < 0.15:
        return cosine
    keys_a = " ".join(sorted(a_bag))
    keys_b = " ".join(sorted(b_bag))
    # Token-sort, not token-set: a set ratio scores any two sentences sharing a couple of
    # words as half-alike, which hides a new arrest told in familiar words.
    return max(cosine, fuzz.token_sort_ratio(keys_a, keys_b) / 100.0 * 0.9)


def _sentence_texts(doc: Doc) -> list[str]:
    text = text_of(doc)
    return [text[s.start_char:s.end_char] for s in sentences_of(doc)]


#: Japanese content words that carry no fact of the claim: the officer's and the applicant's
#: frame (申請者は…旨供述した, 私は…と述べた) and empty nouns.
_JA_STOP = frozenset(
    "申請 者 申請者 本人 私 自分 彼 彼女 旨 供述 述べる 申し立てる 申立て 主張 説明 話す 言う 証言 "
    "陳述 こと 事 もの 物 ため 為 よう 様 所 ところ 時 とき 中 前 後 方 際 等 など 的 上 下 "
    "思う 考える 分かる 知る 有る 居る 為る 成る 来る 行く 無い 良い".split())
_JA_CONTENT = ("名詞", "動詞-一般", "形容詞-一般", "形状詞", "接頭辞")
#: The words of the asylum procedure in Japan, as an officer's summary recites it.
_JA_PROCEDURE = frozenset(
    "入国 在留 資格 短期 滞在 特定 活動 出国 準備 難民 認定 不認定 処分 審査 請求 棄却 裁決 "
    "付与 期間 回目 本件 入管 仮放免 退去 強制 口頭 意見 陳述 参与 員 技能 実習 留学 国籍 "
    "有する 男性 女性 出身 成田 空港 国際 更新 許可 令和 平成 年 月 日 同年 同月 行う 受ける "
    "及ぶ 為す".split())
STRONG_FAMILIES = frozenset({"harm", "agent", "ground", "conflict"})
#: What makes a new Japanese sentence material: harm, a ground, the conflict or a state agent
#: (a relative named, 父が病気になった, is no new fact of persecution).
_JA_MATERIAL = frozenset({"harm", "ground", "conflict"})


#: A Japanese sentence that says it repeats the earlier claim ("前回と同様", "同一である").
_SAME_JA = re.compile(r"前回[^。]{0,8}?と(?:同じ|同様|同一)|(?:申請|主張)[^。]{0,6}?と同一"
                      r"|同一である|と同じ(?:内容|理由|事情|資料)")


def thresholds(settings: dict, language: str) -> tuple[float, float]:
    """(repeated, reworded) for a claim in ``language``: Japanese has its own, tuned on the
    Japanese repeat claims, when the model holds them."""
    repeated = settings.get("repeated", REPEATED)
    reworded = settings.get("reworded", REWORDED)
    if language == "ja":
        return settings.get("ja_repeated", repeated), settings.get("ja_reworded", reworded)
    return repeated, reworded


def _procedural(bag: Counter) -> bool:
    """A Japanese sentence that recites the procedure: most of its content words are the
    procedure's, and it has at least two of them."""
    words = sum(bag.values())
    procedure = sum(v for k, v in bag.items() if k in _JA_PROCEDURE or k.isdigit())
    return procedure >= 2 and procedure >= 0.6 * words


def _bags(doc: Doc) -> list[Counter]:
    """The content-word bag of each sentence of ``doc`` (cached on the doc)."""
    cached = doc.user_data.get("triage_bags")
    if cached is not None:
        return cached
    sentences = sentences_of(doc)
    if doc.user_data.get("triage_lang") != "ja":
        text = text_of(doc)
        bags = [_bag(text[s.start_char:s.end_char].strip()) for s in sentences]
    else:
        strings = doc.vocab.strings
        arrays = doc.to_array([NORM, TAG])
        norm = [strings[int(v)] for v in arrays[:, 0]]
        tag = [strings[int(v)] for v in arrays[:, 1]]
        bags = [Counter(norm[i].lower() for i in range(s.start, s.end)
                        if tag[i].startswith(_JA_CONTENT) and norm[i] not in _JA_STOP
                        and not norm[i].isspace())
                for s in sentences]
    doc.user_data["triage_bags"] = bags
    return bags


def compare(new: Doc, earlier: Sequence[Doc], *, repeated: float = REPEATED,
            reworded: float = REWORDED) -> Novelty:
    """Sentence-level novelty of ``new`` against the ``earlier`` claims (oldest first)."""
    earlier_sentences = [
        (index, raw.strip(), bag)
        for index, doc in enumerate(earlier)
        for raw, bag in zip(_sentence_texts(doc), _bags(doc), strict=True) if raw.strip()
    ]
    hits = new._.cues or []
    results: list[SentenceNovelty] = []
    per_claim_chars = Counter()
    total_chars = 0
    new_chars = 0
    new_text = text_of(new)
    new_bags = _bags(new)
    japanese = new.user_data.get("triage_lang") == "ja"
    # Japanese: a year after every year the earlier claims name dates the sentence after them
    # (平成/令和 years included), like "since my last application".
    latest = max((y for doc in earlier for y in _years(text_of(doc))), default=0)
    for sentence_index, sent in enumerate(sentences_of(new)):
        raw = new_text[sent.start_char:sent.end_char]
        text = raw.strip()
        if not text:
            continue
        bag = new_bags[sentence_index]
        best, best_index, best_text = 0.0, None, None
        for index, other_text, other_bag in earlier_sentences:
            score = _similarity(text, bag, other_text, other_bag)
            if score > best:
                best, best_index, best_text = score, index, other_text
        status = "repeated" if best >= repeated else "reworded" if best >= reworded else "new"
        cue_types = tuple(sorted({h.type for h in hits if h.sentence == sentence_index
                                  and not h.negated and not h.question}))
        families = {h.family for h in hits if h.sentence == sentence_index and not h.negated
                    and not h.weak and not h.question}
        if japanese and not families & STRONG_FAMILIES and _procedural(bag):
            continue  # the procedure recited, not the claim
        if japanese and status == "new" and _SAME_JA.search(text):
            status = "reworded"  # it says itself that it retells the earlier claim
        later = japanese and latest and any(y > latest for y in _years(text))
        if status != "new" and best < RETOLD and "harm" in families and (
                "new" in families or later):
            # Familiar words, but harm dated after the earlier claim ("last month the police
            # arrested my brother"): a new event, not a retelling.
            status = "new"
        if japanese:
            material = status == "new" and len(bag) >= 3 and bool(
                families & _JA_MATERIAL or "agent_state" in cue_types)
        else:
            material = status == "new" and bool(families & MATERIAL_FAMILIES) and len(bag) >= 3
        length = len(text)
        total_chars += length
        if status == "new":
            new_chars += length
        elif best_index is not None:
            per_claim_chars[best_index] += length
        start = sent.start_char + (len(raw) - len(raw.lstrip()))
        results.append(SentenceNovelty(text, start, start + len(text), status,
                                       round(best, 3), best_index, best_text, material,
                                       cue_types))
    closest = per_claim_chars.most_common(1)
    return Novelty(
        sentences=tuple(results),
        closest_earlier=closest[0][0] if closest else (len(earlier) - 1 if earlier else None),
        closest_share=(closest[0][1] / total_chars) if closest and total_chars else 0.0,
        new_share=(new_chars / total_chars) if total_chars else 0.0,
        material_new=sum(1 for s in results if s.material),
    )


_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
#: Japanese era years: 平成31年 is 2019, 令和5年 2023 (元年 is the first year).
_ERA = re.compile(r"(平成|令和)(元|\d{1,2})年")
_ERA_START = {"平成": 1988, "令和": 2018}


def _years(text: str) -> list[int]:
    years = [int(y) for y in _YEAR.findall(text)]
    years += [_ERA_START[era] + (1 if n == "元" else int(n)) for era, n in _ERA.findall(text)]
    return years

_NO_CHANGE = re.compile(
    r"\b(?:not changed|has not changed|hasn't changed|no change|nothing (?:has )?changed|"
    r"nothing new|same (?:reason|reasons|problem|problems|story|claim|situation|as before)|"
    r"still the same|as (?:i|he|she) (?:said|stated|explained) before|as before|"
    r"again the same|repeat(?:s|ed)? (?:the|his|her|my) (?:earlier|previous|first))\b"
    r"|変わ(?:って|り)(?:い|は|が)?(?:ない|ありません|ません|ず)|変わらな|変化(?:は|が)?(?:ない|ありません)"
    r"|前回[^。、]{0,6}?と(?:同じ|同様)|同(?:じ|様の)(?:理由|主張|内容|事情|話)"
    r"|(?:新たに生じた|新たな|新しい)(?:事情|こと|出来事)(?:は|も)?(?:特に)?(?:ない|なかった|ありません)"
    r"|変わったこと(?:は|も)?(?:特に)?(?:ない|ありません)"
    r"|繰り返し(?:述べ|主張)|従前(?:の|と同様)",
    re.IGNORECASE)

PAIR_FEATURES = ("new_share", "material_new", "new_sentences", "new_cue_types", "later_years",
                 "new_circumstance_cues", "no_change_phrases", "mean_similarity",
                 "length_ratio")


def pair_features(new: Doc, earlier: Sequence[Doc], novelty: Novelty) -> list[float]:
    """What the repeat-claim classifier reads: how much of the claim is new, whether the new
    part carries harm, grounds or dates after the earlier claims, and whether it says that
    nothing has changed."""
    strong = {"harm", "ground", "conflict", "agent"}
    before = {h.type for doc in earlier for h in (doc._.cues or [])
              if not h.negated and not h.weak and h.family in strong}
    now = {h.type for h in (new._.cues or []) if not h.negated and not h.weak
           and h.family in strong}
    earlier_years = [y for doc in earlier for y in _years(text_of(doc))]
    latest = max(earlier_years) if earlier_years else 0
    later_years = sum(1 for y in _years(text_of(new)) if y > latest) if latest else 0
    new_cues = sum(1 for h in (new._.cues or []) if h.family == "new" and not h.negated)
    similarities = [s.similarity for s in novelty.sentences]
    earlier_length = sum(len(text_of(doc)) for doc in earlier) or 1
    return [
        novelty.new_share,
        math.log1p(novelty.material_new),
        math.log1p(sum(1 for s in novelty.sentences if s.status == "new")),
        math.log1p(len(now - before)),
        math.log1p(min(later_years, 10)),
        math.log1p(new_cues),
        math.log1p(len(_NO_CHANGE.findall(text_of(new)))),
        sum(similarities) / len(similarities) if similarities else 0.0,
        math.log(max(len(text_of(new)), 1) / earlier_length),
    ]
