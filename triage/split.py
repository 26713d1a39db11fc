"""The fixed train/test split of the labelled narratives (``data/triage/split.toml``).

Records are grouped before they are split, so that nothing in the test split has a relative in
training: records written from one story skeleton (same writer and ``template``) form a group,
and so do near-duplicates found by MinHash LSH on word 5-shingles (estimated Jaccard ≥ 0.5),
across writers too. Every group holding a text of the independent writer (``ind``: officers'
summaries and decision texts written apart from the training texts) goes to test; of the other
groups a fixed fifth, chosen by a hash of the group's first id, goes to test. The Japanese
writers are held out whole (:data:`WRITER_SIDES`): every record of ``jw2`` is in test and every
record of ``jw1`` in training, so the Japanese figures are on a writer the model never read; a
Japanese text is shingled by characters (it has no spaces between words).

Once written the split does not change: ``assign`` keeps every existing assignment and only
places new records (a new record joining a test group goes to test).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from datasketch import MinHash, MinHashLSH

from triage.corpus import DATA_DIR, Record

SPLIT_FILE = DATA_DIR / "split.toml"
INDEPENDENT_AUTHOR = "ind"
TEST_PERCENT = 20
NEAR_DUPLICATE_JACCARD = 0.5
_WORDS = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
#: Writers whose records all go to one side, whatever their groups' hash says: the Japanese
#: narratives' writers (one held out for test, the other trained on).
WRITER_SIDES = {"jw1": "train", "jw2": "test"}


class SplitError(RuntimeError):
    pass


@dataclass(frozen=True)
class Split:
    train: frozenset[str]
    test: frozenset[str]
    groups: dict[str, str]  # record id → group id

    def of(self, records: Sequence[Record], side: str) -> list[Record]:
        ids = self.train if side == "train" else self.test
        return [r for r in records if r.id in ids]


def _shingles(text: str, n: int = 5) -> set[bytes]:
    if len(_CJK.findall(text)) * 2 > len(text):
        chars = "".join(_WORDS.findall(text))  # Japanese: character 5-grams
        return {chars[i:i + n].encode() for i in range(max(len(chars) - n + 1, 1))} \
            if chars else set()
    words = _WORDS.findall(text.lower())
    if len(words) < n:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + n]).encode() for i in range(len(words) - n + 1)}


def groups(records: Sequence[Record], *, num_perm: int = 128) -> dict[str, str]:
    """Record id → group id (the smallest id in its group)."""
    parent = {r.id: r.id for r in records}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_template: dict[tuple[str, str], str] = {}
    for r in records:
        key = (r.author, r.template)
        if key in by_template:
            union(r.id, by_template[key])
        else:
            by_template[key] = r.id
    lsh = MinHashLSH(threshold=NEAR_DUPLICATE_JACCARD, num_perm=num_perm)
    hashes = {}
    for r in records:
        shingles = _shingles(r.narrative)
        if not shingles:
            continue
        m = MinHash(num_perm=num_perm, seed=7)
        m.update_batch(list(shingles))
        hashes[r.id] = m
        lsh.insert(r.id, m)
    for rid, m in hashes.items():
        for other in lsh.query(m):
            if other != rid:
                union(rid, other)
    return {r.id: find(r.id) for r in records}


def _test_by_hash(group_id: str) -> bool:
    digest = hashlib.sha256(f"triage-split:{group_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < TEST_PERCENT


def assign(records: Sequence[Record], existing: Split | None = None) -> Split:
    group_of = groups(records)
    members: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        members[group_of[r.id]].append(r)
    train: set[str] = set(existing.train) if existing else set()
    test: set[str] = set(existing.test) if existing else set()
    for group_id, rs in members.items():
        ids = {r.id for r in rs}
        if ids & test:
            side_test = True
        elif ids & train:
            side_test = False
        elif any(r.author in WRITER_SIDES for r in rs):
            side_test = any(WRITER_SIDES.get(r.author) == "test" for r in rs)
        else:
            side_test = (any(r.author == INDEPENDENT_AUTHOR for r in rs)
                         or _test_by_hash(group_id))
        for rid in ids:
            if rid in train or rid in test:
                continue
            (test if side_test else train).add(rid)
    return Split(frozenset(train), frozenset(test), group_of)


def write(split: Split, path: Path = SPLIT_FILE) -> None:
    def ids(values: frozenset[str]) -> str:
        items = sorted(values)
        lines = [", ".join(f'"{i}"' for i in items[k:k + 8]) for k in range(0, len(items), 8)]
        return "[\n  " + ",\n  ".join(lines) + ",\n]" if items else "[]"

    text = (
        "# The fixed train/test split of data/triage/narratives (triage/split.py).\n"
        "# Written by `workbench triage split`; training never reads a test record.\n"
        f"method = \"groups by writer+template and MinHash near-duplicates (Jaccard >= "
        f"{NEAR_DUPLICATE_JACCARD}; Japanese by character 5-grams); all '{INDEPENDENT_AUTHOR}' "
        f"groups and {TEST_PERCENT}% of the others to test; the Japanese writers held out whole "
        f"({', '.join(f'{w} {s}' for w, s in sorted(WRITER_SIDES.items()))}), placed when their "
        "files came, leaving every earlier record (all the English ones) on its side\"\n"
        f"train_count = {len(split.train)}\n"
        f"test_count = {len(split.test)}\n"
        f"test = {ids(split.test)}\n"
        f"train = {ids(split.train)}\n"
    )
    path.write_text(text, encoding="utf-8")


def read(path: Path = SPLIT_FILE) -> Split:
    if not path.exists():
        raise SplitError(f"No split file at {path}; run `workbench triage split` first.")
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    train, test = frozenset(data.get("train", [])), frozenset(data.get("test", []))
    both = train & test
    if both:
        raise SplitError(f"{len(both)} record(s) are on both sides of the split, e.g. "
                         f"{sorted(both)[0]}")
    return Split(train, test, {})


def check(records: Sequence[Record], split: Split) -> list[str]:
    """Problems that make a split unusable: records on no side, groups across sides."""
    problems = []
    unknown = [r.id for r in records if r.id not in split.train and r.id not in split.test]
    if unknown:
        problems.append(f"{len(unknown)} record(s) are in no split (e.g. {unknown[0]}); run "
                        "`workbench triage split` to place them")
    group_of = groups(records)
    sides: dict[str, set[str]] = defaultdict(set)
    for r in records:
        if r.id in split.train:
            sides[group_of[r.id]].add("train")
        elif r.id in split.test:
            sides[group_of[r.id]].add("test")
    crossing = [g for g, s in sides.items() if len(s) > 1]
    if crossing:
        problems.append(f"{len(crossing)} group(s) of related texts sit on both sides "
                        f"(e.g. the group of {crossing[0]})")
    return problems
