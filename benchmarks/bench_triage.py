"""Triage speed: batch throughput over a JSONL export and the latency of one suggestion.

    .venv/bin/python benchmarks/bench_triage.py [--applications 10000] [--workers 2]
        [--model A.skops --model B.skops]   # several models in the same run, ratio to the first

The applications are the project's labelled narratives (data/triage/narratives), repeated
until the count is reached, so lengths, voices and repeat claims are as in the data; each copy
gets its own id. Batch throughput is measured through `workbench triage batch`'s code path
(parse, spaCy pipeline, classifier, rules, JSON out) with the given number of worker processes,
including their start-up and model loading. The reference, measured in the same run, is the
bare spaCy tokenizer over the same texts on one core: a floor no pipeline can beat.
Single-suggestion latency is measured after a warm-up, one application at a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import machine, summarise  # noqa: E402
from triage import corpus  # noqa: E402
from triage.engine import Triager, keep_out_of_collection  # noqa: E402
from triage.evaluation import to_input  # noqa: E402
from workbench.intake.cli import run_batch  # noqa: E402


def write_real_input(path: Path, count: int) -> list[str]:
    """The allegations of the real decisions (../shared/real-claims, read in place and written
    only to a temporary file), repeated, as the final judging feeds them: id, narrative and
    nationality only."""
    from triage import realset

    claims = realset.build()
    texts = []
    with path.open("w", encoding="utf-8") as fh:
        for i in range(count):
            claim = claims[i % len(claims)]
            fh.write(json.dumps({"id": f"bench-{i:06d}", "narrative": claim.narrative,
                                 "nationality": claim.nationality}, ensure_ascii=False) + "\n")
            texts.append(claim.narrative)
    return texts


def _records(language: str | None) -> list:
    records = corpus.load()
    return [r for r in records if r.language == language] if language else records


def write_input(path: Path, count: int, language: str | None = None) -> list[str]:
    records = _records(language)
    texts = []
    with path.open("w", encoding="utf-8") as fh:
        for i in range(count):
            r = records[i % len(records)]
            fh.write(json.dumps({
                "id": f"bench-{i:06d}", "narrative": r.narrative, "nationality": r.nationality,
                "application_number": r.application_number,
                "previous_narratives": list(r.previous_narratives),
                "status_of_residence": r.status_of_residence,
                "activities_ceased": r.activities_ceased,
                "reasonable_grounds_materials": r.reasonable_grounds_materials,
            }, ensure_ascii=False) + "\n")
            texts.append(r.narrative)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--single", type=int, default=300, help="single-suggestion samples")
    parser.add_argument("--model", action="append", type=Path, default=None,
                        help="model file (repeat to compare models in one run; default: the "
                             "shipped model)")
    parser.add_argument("--language", choices=("en", "ja"), default=None,
                        help="only the narratives in this language (e.g. ja for the Japanese "
                             "ones, read by SudachiPy)")
    parser.add_argument("--real", action="store_true",
                        help="the real decisions' allegations instead of the narratives "
                             "(batch only; needs ../shared/real-claims)")
    args = parser.parse_args()
    if args.real:
        from triage import realset

        if not realset.available():
            print(f"No real decisions at {realset.REAL_DIR}: nothing to measure.")
            return
    models = args.model or [None]
    print(machine())
    rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        texts = (write_real_input(source, args.applications) if args.real
                 else write_input(source, args.applications, args.language))
        words = sum(len(t.split()) for t in texts)
        chars = sum(len(t) for t in texts)
        print(f"{args.applications:,} applications, {words / len(texts):.0f} words "
              f"({chars / len(texts):.0f} characters) on average")

        import spacy
        tokenizer = spacy.blank("en").tokenizer
        start = time.perf_counter()
        for text in texts:
            tokenizer(text)
        reference = len(texts) / (time.perf_counter() - start)
        print(f"reference: spaCy tokenizer alone, one core: {reference:,.0f} texts/s")

        for model in models:
            name = str(model or "shipped model")
            print(f"--- {name}; load average {os.getloadavg()[0]:.1f} on "
                  f"{os.cpu_count()} cores")
            start = time.perf_counter()
            written, errors = run_batch(source, target, workers=args.workers, model_path=model)
            elapsed = time.perf_counter() - start
            rate = rates[name] = written / elapsed
            print(f"batch triage, {args.workers} worker(s): {written:,} in {elapsed:.1f} s = "
                  f"{rate:,.0f} applications/s (ratio to the tokenizer reference "
                  f"{rate / reference:.3f}; to the first model "
                  f"{rate / next(iter(rates.values())):.2f}); {len(errors)} line errors; "
                  f"load average now {os.getloadavg()[0]:.1f}")
            with target.open(encoding="utf-8") as fh:
                categories = [json.loads(line)["category"] for line in fh]
            counts = {c: categories.count(c) for c in sorted(set(categories))}
            print(f"categories written: {counts}")

    if args.real:
        return
    records = _records(args.language)
    inputs = [to_input(r) for r in records]
    for model in models:
        triager = Triager.from_files(model)
        for item in inputs[:20]:
            triager.suggest(item)  # warm-up
        keep_out_of_collection()  # as the app does after loading its model
        samples = []
        for i in range(args.single):
            item = inputs[(i * 7) % len(inputs)]
            start = time.perf_counter()
            triager.suggest(item)
            samples.append((time.perf_counter() - start) * 1000)
        s = summarise(samples)
        print(f"{model or 'shipped model'}: one suggestion after warm-up ({args.single} "
              f"samples): median {s['median']:.1f} ms, p95 {s['p95']:.1f} ms, max "
              f"{max(samples):.1f} ms; mean {statistics.fmean(samples):.1f} ms")


if __name__ == "__main__":
    main()
