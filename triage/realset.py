"""The real development set: published refugee decisions read into "allegations only" claim
texts with a label taken from the decision-maker's own findings.

The decisions live outside the repository (``../shared/real-claims``, CC BY-NC 4.0: Sean
Rehaag, "Refugee Protection Division (Legacy) Bulk Decisions Dataset", Refugee Law Laboratory,
York University, refugeelab.ca). Nothing here copies their text into the repository: the recipe
below rebuilds the set from that folder every time, and every caller must cope with
:func:`available` being false.

The recipe, for each decision:

1. **Allegations.** The part under an allegations heading ("Allegations", "Alleged facts",
   "Summary of the claim", "Background", …) up to the next heading; without such a heading,
   the long paragraphs that report what the claimant alleges, before the analysis starts.
   A wider, noisier cut (everything from the reasons' start to the analysis) is kept for
   training, so that the model does not learn the quirks of one extraction.
2. **Label** from the decision's own findings (:func:`label`): an explicit finding of no nexus
   to a Convention ground, or "not a Convention refugee but a person in need of protection",
   is ``b`` (outside the Convention); a claimant found to be a Convention refugee, or a
   finding that a nexus is established, is ``convention``; both at once (several claimants,
   or the panel quoting an argument) or neither is left unlabelled. A sentence reporting the
   claim or stating the question ("they allege that they are Convention refugees", "whether
   …") is not a finding. Without such findings: a claimant found a person in need of
   protection (section 97) and not a Convention refugee is ``b``; the older decisions' subject
   headings (``KEYWORDS - … - POLITICAL OPINION - …``) naming a Convention ground make it
   ``convention``, naming no nexus, crime, vendetta or a positive section 97 finding ``b``.
3. **Scrub** (:func:`scrub`): every sentence with legal-test or findings language (Convention
   refugee, nexus, sections 96/97, credibility, state protection, internal flight, "I find",
   "the panel finds", case law, …) is removed, so the label cannot be read off the text.
4. **Split** by the decision's year: :data:`TEST_YEARS` are the test part, the other years
   the training part, so the test figures estimate a model meeting decisions of another period.

Ids are ``rpd-<year>-<hash of the citation>``: no file number of the Board is ever written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

REAL_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "real-claims"
SOURCE_SUBDIR = "rpd-legacy"
ATTRIBUTION = ('Sean Rehaag, "Refugee Protection Division (Legacy) Bulk Decisions Dataset", '
               "Refugee Law Laboratory, York University (refugeelab.ca), CC BY-NC 4.0; "
               "unofficial reproductions, not endorsed by the Board")
#: Years whose decisions form the test part; the others train.
TEST_YEARS = frozenset({2004, 2019, 2020})
#: Shortest allegations cut kept (characters).
MIN_CHARS = 300
RECIPE_VERSION = "2026.12.2"

_START = re.compile(
    r"^(?:summary of (?:the )?|the |claimants?'?s? |principal claimant'?s? )?"
    r"(?:allegations?|alleged facts|facts alleged|background|claims?|basis of (?:the )?claim|"
    r"facts|summary|introduction and background|circumstances of the claim)"
    r"(?: of (?:the )?(?:claimants?|claims?|allegations))?\s*:?$", re.I)
_HEADING_CHARS = re.compile(r"^[A-Z0-9][A-Za-z0-9 ,'’()/&:\-]{2,70}$")
_ANALYSIS_WORDS = re.compile(
    r"analysis|determination|decision|identity|credibility|issues?|nexus|state protection|"
    r"internal flight|conclusion|evidence|findings?|jurisdiction|law|subjective|objective|"
    r"well-founded|delay|exclusion|section 9[67]|documentary", re.I)
_ALLEGING = re.compile(
    r"\balleg|\bclaims? (?:that|to)\b|\bstates? that|\btestified|\bfears?\b|\bBOC\b|"
    r"Basis of Claim|\bPIF\b|Personal Information Form|\bnarrative", re.I)
_PARA_NUMBER = re.compile(r"^\s*\[\d+\]\s*")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9])")

#: Sentences with any of these are findings or legal tests, not allegations.
LEGAL = re.compile("|".join((
    r"Convention refugee", r"in need of protection", r"\bnexus\b", r"Convention grounds?",
    r"\b(?:s\.|section|sections|subsection|paragraph)\s*9[67]", r"\b96 and 97\b",
    r"\bIRPA\b", r"Immigration and Refugee Protection Act", r"\bcredib", r"state protection",
    r"internal flight", r"\bIFA\b", r"well[- ]founded", r"balance of probabilit",
    r"serious possibility", r"reasonable chance", r"\bthe (?:panel|tribunal|board|member|RPD)"
    r" (?:finds|found|is (?:not )?satisfied|was (?:not )?satisfied|accepts|rejects|determines|"
    r"concludes|does not|did not|believes|notes|has considered|prefers|gives)",
    r"\b(?:I|we) (?:find|found|am (?:not )?satisfied|accept|reject|determine|conclude|do not|"
    r"did not|believe|have considered|note|give|prefer|must|turn)",
    r"claims? (?:is|are|was|were|must be) (?:accepted|rejected|allowed|dismissed|denied)",
    r"\b(?:accept|reject|allow|dismiss)(?:s|ed)? (?:the|this|her|his|their) claims?",
    r"generali[sz]ed risk", r"Chairperson|Guideline", r"jurisprudence|Federal Court",
    r"\bv\. (?:Canada|M\.?C\.?I|Minister)", r"\b\d{4} FC \d+", r"\bF\.C\.",
    r"\bdetermin(?:ation|ative)", r"\bpersecution within the meaning",
    r"\b(?:cumulative|compelling reasons|changed circumstances|exclusion|excluded)\b",
    r"\bimplausib|\binconsisten|\bembellish|\bcontradict|\bomission|\bomitted",
    r"\bon a balance\b", r"\bburden\b", r"\bpresumption\b", r"\bsubjective fear\b",
    r"\bobjective basis\b", r"\bprima facie\b",
)), re.I)

_B_FINDING = re.compile("|".join((
    r"\bno (?:\w+ ){0,3}nexus\b", r"\b(?:lack|absence) of (?:a |any )?nexus\b",
    r"\bnexus (?:has|had) not been (?:established|made|shown|demonstrated)",
    r"\bnexus (?:is|was) not (?:established|made|met|present)",
    r"\b(?:does|do|did|could|can) not (?:have|establish|demonstrate|show) (?:a |any )?nexus",
    r"\b(?:fails|failed) to (?:establish|demonstrate|show) (?:a |any )?nexus",
    r"\bnot (?:linked|connected|related|tied) to (?:any|one|a) (?:of the )?(?:five |enumerated )?"
    r"Convention grounds?",
    r"\bnot (?:based on|for reasons of|because of|by reason of) (?:any|one|a) (?:of the )?"
    r"(?:five |enumerated )?Convention grounds?",
    r"\bnot (?:a |are )?Convention refugees?,? but (?:is|are) (?:a )?persons? in need of "
    r"protection",
    r"\b(?:has|have|had) not (?:established|demonstrated|shown) (?:a |any )?nexus",
    r"\bthere (?:is|was) not (?:a |any )?nexus", r"\black(?:s|ed|ing)? (?:a |any )?nexus",
    r"\bnot related to (?:a |any )?Convention (?:refugee )?(?:reason|ground)",
    r"\bnot persecution within the meaning",
)), re.I)
_CONVENTION_FINDING = re.compile("|".join((
    r"(?<!not )(?<!neither )\b(?:is|are) (?:a |both )?[\"“”']{0,2}Convention refugees?\b"
    r"[\"“”',.]{0,3}\d{0,2}(?! ?or\b)",
    r"\b(?:has|have) (?:established|demonstrated) (?:a |the )?nexus",
    r"\bthere is a nexus\b", r"\ba nexus (?:exists|has been established|is established)",
    r"\bnexus (?:to|with) (?:the )?Convention ground of\b",
)), re.I)


#: Documented rules for decisions without an explicit finding on the ground: a claim the panel
#: assessed under section 97 only, or whose harm it calls crime, is ``b``; a claim the panel says
#: rests on (or is feared because of) a Convention ground, refused on other issues, is
#: ``convention``. A sentence that denies the pattern ("not merely a victim of crime") does not
#: count.
_B_RULE = re.compile("|".join((
    r"(?:only|solely|exclusively) (?:under|pursuant to) (?:section|s\.|subsection) ?97",
    r"(?:assessed|analy[sz]ed|considered|determined|examined|evaluated) (?:only |solely |"
    r"exclusively )?(?:under|pursuant to|in relation to) (?:section|s\.|subsection) ?97"
    r"(?! ?\(1\)? and)",
    r"does not (?:fall|come) (?:under|within) (?:section|s\.) ?96",
    r"victims? of (?:crime|criminality|a crime|criminal)",
    r"no (?:link|connection) (?:between|to|with) .{0,80}Convention ground",
)), re.I)
_GROUND = (r"(?:political opinion|religion|race|ethnicity|nationality|membership (?:in|of) a "
           r"particular social group|particular social group|sexual orientation|religious "
           r"beliefs|Christian|Falun Gong|Tamil|Kurdish|homosexual|gay|bisexual|lesbian)")
_CONVENTION_RULE = re.compile(
    r"(?:based|grounded|founded) (?:up)?on (?:(?:his|her|their|the claimants?'?s?|an?|the|"
    r"imputed|perceived|actual) ){0,3}" + _GROUND + r"|(?:by reason of|because of|on account "
    r"of|for reasons of|on the (?:basis|grounds?) of) (?:(?:his|her|their|the claimants?'?s?|"
    r"an?|imputed|perceived|actual) ){0,3}" + _GROUND, re.I)
#: The panel's conclusion that the claimant is a person in need of protection (section 97),
#: read without a Convention refugee finding: protected, but not on a Convention ground.
_PROTECTED_97 = re.compile(
    r"\b(?:find|finds|found|determine|determines|determined|conclude|concludes|concluded|"
    r"CONCLUSION|DETERMINATION|DECISION)\b.{0,160}\b(?:is|are|to be) (?:a )?[\"“”']{0,2}"
    r"persons? in need of (?:Canada's )?protection", re.I)
_NOT_FINAL = re.compile(r"\bwhether\b|\bif\b|\bclaims? (?:that|to)\b|\bclaiming\b|\balleg|"
                        r"\bmaintains?\b|\bburden\b|\bestablish|\bdemonstrat", re.I)
#: A sentence that reports the claim or states the question, not the panel's finding.
_REPORTED = re.compile(r"\balleg\w* (?:that|he|she|they|to)\b|\bclaim(?:s|ed)?\b.{0,100}\bthat\b|"
                       r"\bclaim(?:s|ed)? to\b|\bclaiming\b|\bwhether\b|\bregarding\b|"
                       r"\bmust determine\b|\bto (?:prove|establish)\b", re.I)
#: The subject headings of the older decisions (``KEYWORDS - … - POSITIVE - COUNTRY``).
_KEYWORDS = re.compile(r"KEYWORDS((?: ?- ?[A-Z][A-Z0-9 ,()'/-]{1,60})+)")
_KW_GROUND = re.compile(r"\b(?:POLITICAL OPINION|PARTICULAR SOCIAL GROUP|SOCIAL GROUP|RELIGION|"
                        r"RACE|ETHNIC PERSECUTION|SEXUAL ORIENTATION|HOMOSEXUALS|LESBIANS|"
                        r"GENDER-RELATED PERSECUTION)\b")
_KW_PROTECTED = re.compile(r"\b(?:PERSON IN NEED OF PROTECTION|RISK TO LIFE|TORTURE|RISK OF "
                           r"CRUEL)")
_KW_B = re.compile(r"\b(?:NEXUS|GENERALI[SZ]ED RISK|CRIMINALITY|CRIME VICTIMS?|VENDETTA|"
                   r"EXTORTION)\b")
_KW_POSITIVE = re.compile(r"\b(?:POSITIVE|FAVOURABLE|ALLOWED)\b")
_DENIAL = re.compile(r"\bnot\b|\bno\b|n't\b|\bneither\b|\bnor\b|\bmerely\b|\bsimply\b",
                     re.I)


def _asserted(pattern: re.Pattern[str], text: str) -> bool:
    """Whether a sentence of ``text`` matches ``pattern`` without a denial."""
    return any(pattern.search(s) and not _DENIAL.search(s)
               for s in _SENTENCE.split(text.replace("\n", " ")) if pattern.search(s))


@dataclass(frozen=True)
class RealClaim:
    """One decision read into the development set (the text stays in memory or outside the
    repository)."""

    id: str
    year: int
    part: str  # "train" or "test"
    nationality: str | None
    label: str | None  # "b", "convention" or None (unlabelled)
    label_rule: str
    voice: str
    narrative: str  # the allegations, scrubbed
    wide: str  # a wider, noisier cut, scrubbed (for training only)

    @property
    def is_b(self) -> bool:
        return self.label == "b"


def available(root: Path = REAL_DIR) -> bool:
    return (root / SOURCE_SUBDIR).is_dir() and any((root / SOURCE_SUBDIR).glob("*_en.json"))


def _is_heading(line: str) -> bool:
    text = line.strip()
    if not text or text.endswith((".", ",", ";")) or text.startswith("["):
        return False
    if not _HEADING_CHARS.match(text) or len(text.split()) > 9:
        return False
    letters = [c for c in text if c.isalpha()]
    upper = sum(c.isupper() for c in letters) / max(len(letters), 1)
    return upper > 0.6 or text.istitle() or bool(_START.match(text))


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r", "").split("\n")]


def _reasons_start(lines: list[str]) -> int:
    """The first line of the reasons, after the header block."""
    for i, line in enumerate(lines[:200]):
        if re.match(r"^\s*(REASONS FOR DECISION|DECISION AND REASONS|REASONS AND DECISION)\s*$",
                    line, re.I):
            return i + 1
    for i, line in enumerate(lines):
        if len(line) > 200:
            return i
    return 0


def _body(lines: Sequence[str]) -> str:
    paragraphs = [_PARA_NUMBER.sub("", line).strip() for line in lines]
    return "\n".join(p for p in paragraphs if len(p) > 40)


def allegations(text: str) -> tuple[str, str]:
    """(allegations cut, wider cut) of a decision, before scrubbing; either may be empty."""
    lines = _lines(text)
    start = _reasons_start(lines)
    heading_at = [i for i in range(start, len(lines)) if _is_heading(lines[i])]
    analysis = next((i for i in heading_at if not _START.match(lines[i].strip())
                     and _ANALYSIS_WORDS.search(lines[i]) and i > start + 2), len(lines))
    wide = _body(lines[start:analysis])
    openers = [i for i in heading_at if _START.match(lines[i].strip())]
    if openers:
        first = openers[0]
        end = next((i for i in heading_at if i > first and not _START.match(lines[i].strip())),
                   len(lines))
        cut = _body(lines[first + 1:end])
        if len(cut) >= MIN_CHARS:
            return cut, wide
    kept = [p for p in wide.split("\n") if _ALLEGING.search(p)]
    return "\n".join(kept), wide


def scrub(text: str) -> str:
    """The text without its legal-test and findings sentences."""
    kept = []
    for paragraph in text.split("\n"):
        sentences = [s for s in _SENTENCE.split(paragraph) if s.strip()]
        clean = " ".join(s for s in sentences if not LEGAL.search(s))
        # A match the sentence split cut in two ("v. M.C.I."): drop the span around it.
        while (match := LEGAL.search(clean)) is not None:
            start = clean.rfind(". ", 0, match.start())
            end = clean.find(". ", match.end())
            clean = (clean[:start + 1] if start >= 0 else "") + (
                clean[end + 1:] if end >= 0 else "")
        if clean.strip():
            kept.append(clean.strip())
    return "\n".join(kept).strip()


def label(text: str) -> tuple[str | None, str]:
    """(label, rule) from the decision's findings: ``b``, ``convention`` or None."""
    b = _B_FINDING.search(text)
    convention = any(not _REPORTED.search(s) for s in _SENTENCE.split(text.replace("\n", " "))
                     if _CONVENTION_FINDING.search(s) and not _DENIAL.search(s))
    if b and convention:
        return None, "both a no-nexus and a Convention finding"
    if b:
        return "b", "no nexus to a Convention ground"
    if convention:
        return "convention", "Convention refugee or nexus established"
    b_rule = _asserted(_B_RULE, text)
    convention_rule = _asserted(_CONVENTION_RULE, text)
    if b_rule and not convention_rule:
        return "b", "assessed under section 97 only, or the harm called crime"
    if convention_rule and not b_rule:
        return "convention", "the panel names the Convention ground the claim rests on"
    if b_rule or convention_rule:
        return None, "no finding on the ground, or conflicting ones"
    protected = _asserted_final(_PROTECTED_97, text)
    keywords = _KEYWORDS.search(text)
    heads = keywords.group(1) if keywords else ""
    kw_ground = bool(_KW_GROUND.search(heads))
    kw_b = bool(_KW_B.search(heads)) or bool(
        _KW_POSITIVE.search(heads) and _KW_PROTECTED.search(heads))
    if protected and not kw_ground:
        return "b", "found a person in need of protection (section 97), not a Convention refugee"
    if kw_b and not kw_ground:
        return "b", "subject headings: protected under section 97, or no nexus or crime"
    if kw_ground and not kw_b and not protected:
        return "convention", "subject headings name a Convention ground"
    return None, "no finding on the ground, or conflicting ones"


def _asserted_final(pattern: re.Pattern[str], text: str) -> bool:
    """Whether a sentence of ``text`` concludes ``pattern`` (no denial, no question, not the
    claimant's own allegation or a statement of the test)."""
    return any(not _DENIAL.search(s) and not _NOT_FINAL.search(s)
               for s in _SENTENCE.split(text.replace("\n", " ")) if pattern.search(s))


def voice_of(text: str) -> str:
    """How the allegations are told: ``second_person`` (oral reasons), ``first_person``,
    ``boc_summary`` (a summary of the Basis of Claim or Personal Information Form) or
    ``third_person``."""
    if re.search(r"\byou (?:allege|state|fear|testified|claim|were|said|have)\b", text, re.I):
        return "second_person"
    if len(re.findall(r"\bI\b", text)) >= 5:
        return "first_person"
    if re.search(r"\bBOC\b|Basis of Claim|\bPIF\b|Personal Information Form", text):
        return "boc_summary"
    return "third_person"


def length_bin(text: str) -> str:
    n = len(text)
    return "short (<1,500 chars)" if n < 1500 else (
        "medium (1,500–4,000)" if n < 4000 else "long (≥4,000)")


@lru_cache(maxsize=512)
def _country(name: str) -> str | None:
    import pycountry

    name = name.strip()
    fixes = {"Democratic Republic of the Congo": "COD", "Congo": "COG", "Russia": "RUS",
             "Iran": "IRN", "Syria": "SYR", "Venezuela": "VEN", "Tanzania": "TZA",
             "South Korea": "KOR", "North Korea": "PRK", "Moldova": "MDA", "Bolivia": "BOL",
             "Vietnam": "VNM", "Palestine": "PSE", "Ivory Coast": "CIV", "Turkey": "TUR",
             "Laos": "LAO", "Kosovo": "XKX"}
    for key, code in fixes.items():
        if name.startswith(key):
            return code
    for candidate in (name, " ".join(name.split()[:2]), name.split()[0]):
        try:
            return pycountry.countries.lookup(candidate).alpha_3
        except LookupError:
            continue
    return None


_CITIZEN = re.compile(r"\b(?:citizens?|nationals?) of (?:the )?([A-Z][a-z]+(?: [A-Z][a-z]+)?"
                      r"(?: of (?:the )?[A-Z][a-z]+)?)")


def nationality_of(text: str) -> str | None:
    for match in _CITIZEN.finditer(text[:20000]):
        code = _country(match.group(1))
        if code:
            return code
    return None


def _ident(citation: str, year: int) -> str:
    return f"rpd-{year}-{hashlib.sha256(citation.encode()).hexdigest()[:10]}"


def _decisions(root: Path) -> Iterator[dict]:
    for path in sorted((root / SOURCE_SUBDIR).glob("*_en.json")):
        with path.open(encoding="utf-8") as fh:
            yield from json.load(fh)


def build(root: Path = REAL_DIR) -> list[RealClaim]:
    """The development set from the decisions under ``root`` (empty when absent). Decisions
    without an allegations cut of :data:`MIN_CHARS` (reopenings, reinstatements, …) are left
    out, and so is the second copy of a decision published twice; unlabelled decisions are
    kept with ``label`` None."""
    if not available(root):
        return []
    out = []
    seen: set[str] = set()
    for decision in _decisions(root):
        text = decision.get("unofficial_text") or ""
        year = int(decision.get("year") or str(decision.get("document_date", "0"))[:4] or 0)
        ident = _ident(str(decision.get("citation", "")), year)
        if ident in seen:  # a decision published twice
            continue
        seen.add(ident)
        cut, wide = allegations(text)
        narrative = scrub(cut)
        if len(narrative) < MIN_CHARS:
            continue
        found, rule = label(text)
        out.append(RealClaim(
            id=ident, year=year,
            part="test" if year in TEST_YEARS else "train", nationality=nationality_of(text),
            label=found, label_rule=rule, voice=voice_of(narrative), narrative=narrative,
            wide=scrub(wide) or narrative))
    return out


def summary(claims: Sequence[RealClaim]) -> dict:
    """Counts by part, label, year and voice."""
    def count(items: Sequence[RealClaim]) -> dict[str, int]:
        return dict(sorted(Counter(c.label or "unlabelled" for c in items).items()))

    return {
        "decisions": len(claims),
        "by_part": {part: count([c for c in claims if c.part == part])
                    for part in ("train", "test")},
        "by_year": {str(y): count([c for c in claims if c.year == y])
                    for y in sorted({c.year for c in claims})},
        "by_voice": dict(Counter(c.voice for c in claims if c.label)),
        "median_chars": (sorted(len(c.narrative) for c in claims)[len(claims) // 2]
                         if claims else 0),
        "test_years": sorted(TEST_YEARS),
        "recipe": RECIPE_VERSION,
    }


def write_jsonl(claims: Sequence[RealClaim], path: Path) -> None:
    """The set as batch-ready JSON lines (id, narrative, nationality, plus the label fields)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for claim in claims:
            row = asdict(claim)
            row.pop("wide")
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
