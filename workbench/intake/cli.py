"""``workbench triage …``: suggestions for one case or a JSONL export, training, the fixed
split and the evaluation report.

``batch`` needs no database: anyone can triage an export. Each input line is a JSON object with
``id`` and ``narrative`` and optionally ``nationality``, ``application_number``,
``previous_narratives``, ``status_of_residence``, ``activities_ceased`` and
``reasonable_grounds_materials``; a malformed line is reported with its number and the rest are
still processed. So is a line longer than ``MAX_LINE_BYTES`` (it is skipped without being held
in memory whole) or nested too deeply for the JSON parser.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import BinaryIO

import click
from rich.console import Console

console = Console(stderr=True)
# Claims handed to a worker at a time: small enough that a few hundred claims still keep every
# worker busy to the end, large enough that the hand-over costs nothing next to the triage.
BATCH_CHUNK = 32
MAX_LINE_BYTES = 2 * 1024 * 1024
_SKIP_CHUNK = 1 << 20


def _triager(model_path: Path | None):  # noqa: ANN202
    from triage.engine import Triager
    from triage.model import ModelFileError

    try:
        return Triager.from_files(model_path)
    except ModelFileError as exc:
        raise click.ClickException(str(exc)) from exc


def parse_line(text: str) -> tuple[str, object]:
    """(id, TriageInput) for one input line; raises ValueError with a plain message."""
    from triage.engine import TriageInput

    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from exc
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    if not isinstance(obj, dict):
        raise ValueError("a line must be a JSON object")
    rid = obj.get("id")
    if not isinstance(rid, str | int) or isinstance(rid, bool) or rid == "":
        raise ValueError("'id' is missing or not a string or number")
    narrative = obj.get("narrative")
    if not isinstance(narrative, str):
        raise ValueError("'narrative' is missing or not a string")
    previous = obj.get("previous_narratives") or []
    if not isinstance(previous, list) or not all(isinstance(p, str) for p in previous):
        raise ValueError("'previous_narratives' must be a list of strings")
    number = obj.get("application_number")
    if number is None:
        number = len(previous) + 1
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise ValueError("'application_number' must be a whole number from 1")
    for flag in ("activities_ceased", "reasonable_grounds_materials"):
        if obj.get(flag) is not None and not isinstance(obj[flag], bool):
            raise ValueError(f"'{flag}' must be true or false")
    nationality = obj.get("nationality")
    if nationality is not None and not isinstance(nationality, str):
        raise ValueError("'nationality' must be a string")
    status = obj.get("status_of_residence")
    if status is not None and not isinstance(status, str):
        raise ValueError("'status_of_residence' must be a string")
    return str(rid), TriageInput(
        narrative=narrative, nationality=nationality_code(nationality),
        application_number=number,
        previous_narratives=tuple(previous), status_of_residence=status,
        activities_ceased=bool(obj.get("activities_ceased")),
        reasonable_grounds_materials=bool(obj.get("reasonable_grounds_materials")),
    )


def nationality_code(value: str | None) -> str | None:
    """The ISO alpha-3 code of a nationality given as a code (alpha-3, alpha-2 or numeric), a
    country's name or nationality word, in English or Japanese ("MMR", "mm", "Myanmar",
    "Burmese", "ミャンマー"); an unknown value is kept as given, in capitals, and an empty one
    is None. An export from another system need not use the workbench's codes for the
    Category A list to apply."""
    value = (value or "").strip()
    if not value:
        return None
    from coi.gazetteer import lookup  # the one list of countries and their names

    country = lookup(value)
    return country.code if country is not None else value.upper()


def output_line(rid: str, suggestion) -> dict:  # noqa: ANN001
    record = suggestion.to_record()
    return {
        "id": rid,
        "category": record["category"],
        "confidence": record["confidence"],
        # p(the claim is outside the Convention grounds): what to rank or sort a batch by;
        # null for a text the model did not read (empty, too short, another language).
        "p_b": None if suggestion.p_b is None else round(suggestion.p_b, 4),
        "b_reason": record["b_reason"],
        "third_or_later_exception": record["third_or_later_exception"],
        "evidence": [{"sentence": e["sentence"],
                      "cues": [{"type": c["type"], "text": c["text"], "negated": c["negated"],
                                "hypothetical": c["hypothetical"]} for c in e["cues"]],
                      "note": e["note"]} for e in record["evidence"]],
        "reasons": record["reasons"] + record["abstain_reasons"],
        "repeats": record["repeats"],
        "new_share": record["new_share"],
        "model_version": record["model_version"],
        "rules_version": record["rules_version"],
    }


_WORKER = None


def _worker_init(model_path: str | None) -> None:
    global _WORKER
    from triage.engine import Triager, keep_out_of_collection

    _WORKER = Triager.from_files(Path(model_path) if model_path else None)
    # The model and the pipeline live as long as the process: frozen, they are left out of
    # the garbage collector's full passes, which would otherwise walk them again and again
    # (about a twentieth of the time per claim).
    keep_out_of_collection()


def _worker_run(chunk: list[tuple[int, str, object]]
                ) -> tuple[list[dict], list[tuple[int, str]]]:
    """(output lines, errors) for a chunk of (line number, id, input). Should the chunk fail,
    its claims are triaged one at a time, so that one claim the triage cannot handle costs
    only its own line (reported with its number and id, never its text)."""
    try:
        suggestions = _WORKER.suggest_many([item for _, _, item in chunk])
        return [output_line(rid, s) for (_, rid, _), s in zip(chunk, suggestions, strict=True)], []
    except Exception as exc:  # noqa: BLE001 - reported, or isolated below claim by claim
        if len(chunk) == 1:
            number, rid, _ = chunk[0]
            return [], [(number, f"id {rid}: the triage failed on this claim "
                                 f"({type(exc).__name__}); it was skipped")]
    rows: list[dict] = []
    errors: list[tuple[int, str]] = []
    for entry in chunk:
        one_rows, one_errors = _worker_run([entry])
        rows += one_rows
        errors += one_errors
    return rows, errors


def read_lines(fh: BinaryIO, max_bytes: int = MAX_LINE_BYTES
               ) -> Iterator[tuple[int, str | None]]:
    """(line number, text) for each line of ``fh``; the text is None for a line longer than
    ``max_bytes``, whose rest is read past in bounded pieces, never held whole.

    UTF-8, with or without the byte-order mark Windows tools put first; a file that starts
    with a UTF-16 byte-order mark ("Unicode text" from a spreadsheet) is read as UTF-16."""
    start = fh.read(3)
    if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        fh.seek(0)
        yield from _read_utf16_lines(fh, max_bytes)
        return
    if start != codecs.BOM_UTF8:
        fh.seek(0)
    number = 0
    while raw := fh.readline(max_bytes + 1):
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while (rest := fh.readline(_SKIP_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        yield number, raw.decode("utf-8", errors="replace")


def _read_utf16_lines(fh: BinaryIO, max_bytes: int) -> Iterator[tuple[int, str | None]]:
    """:func:`read_lines` for a UTF-16 file (its byte-order mark first): the same bound, in
    characters of at most two bytes each."""
    text = io.TextIOWrapper(fh, encoding="utf-16", errors="replace", newline="")
    limit = max_bytes // 2
    number = 0
    while line := text.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            while (rest := text.readline(_SKIP_CHUNK)) and not rest.endswith("\n"):
                pass
            yield number, None
            continue
        yield number, line
    text.detach()


def _chunks(lines: Iterator[tuple[int, str | None]], errors: list[tuple[int, str]]
            ) -> Iterator[list[tuple[int, str, object]]]:
    chunk: list[tuple[int, str, object]] = []
    for number, text in lines:
        if text is None:
            errors.append((number, f"the line is longer than {MAX_LINE_BYTES // 1048576} MB; "
                                   "it was skipped"))
            continue
        if not text.strip():
            continue
        try:
            chunk.append((number, *parse_line(text)))
        except ValueError as exc:
            errors.append((number, str(exc)))
            continue
        if len(chunk) >= BATCH_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_batch(source: Path, target: Path, *, model_path: Path | None = None,
              workers: int = 1, progress=None,  # noqa: ANN001
              tally: Counter | None = None) -> tuple[int, list[tuple[int, str]]]:
    """Triage every line of ``source`` into ``target``; returns (lines written, errors).
    ``tally``, if given, counts the suggestions written by category, and under ``unread``
    those whose text the model did not read (empty, too short or another language)."""
    errors: list[tuple[int, str]] = []
    written = 0
    tally = Counter() if tally is None else tally
    tmp = target.with_name(target.name + ".part")
    with source.open("rb") as fh, tmp.open("w", encoding="utf-8") as out:
        chunks = _chunks(read_lines(fh), errors)
        if workers > 1:
            with ProcessPoolExecutor(workers, initializer=_worker_init,
                                     initargs=(str(model_path) if model_path else None,)) as pool:
                results = pool.map(_worker_run, chunks)
                written = _write(results, out, errors, progress, tally)
        else:
            _worker_init(str(model_path) if model_path else None)
            written = _write(map(_worker_run, chunks), out, errors, progress, tally)
    tmp.replace(target)
    errors.sort()
    return written, errors


def _write(results: Iterator[tuple[list[dict], list[tuple[int, str]]]], out,  # noqa: ANN001
           errors: list[tuple[int, str]], progress, tally: Counter) -> int:  # noqa: ANN001
    written = 0
    for rows, failed in results:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            tally[row["category"]] += 1
            if row["p_b"] is None and row["category"] == "ABSTAIN":
                tally["unread"] += 1
        written += len(rows)
        errors += failed
        if progress:
            progress(written)
    return written


@click.group("triage")
def triage_group() -> None:
    """Sorting suggestions (A, B, C, D1, D2 or abstain) with their grounds."""


@triage_group.command("batch")
@click.option("--input", "source", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--output", "target", required=True,
              type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--model", "model_path", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workers", default=min(2, os.cpu_count() or 1), show_default=True,
              type=click.IntRange(1, 64))
def batch(source: Path, target: Path, model_path: Path | None, workers: int) -> None:
    """Triage a JSONL export without a database."""
    tally: Counter = Counter()
    written, errors = run_batch(
        source, target, model_path=model_path, workers=workers,
        progress=lambda n: console.print(f"{n:,} triaged", end="\r"), tally=tally)
    console.print(f"{written:,} suggestion(s) written to {target}")
    if written:
        order = ("A", "B", "C", "D1", "D2", "NA", "ABSTAIN")
        console.print("by category: " + ", ".join(
            f"{c} {tally[c]:,}" for c in order if tally[c]))
    if tally["unread"]:
        console.print(f"{tally['unread']:,} left to a person unread: empty, too short, or "
                      "in a language the triage does not read (English and Japanese)")
    for number, message in errors:
        console.print(f"[red]line {number}:[/red] {message}")
    if errors:
        console.print(f"{len(errors)} line(s) skipped")
        sys.exit(1)


@triage_group.command("run")
@click.argument("case_number")
def run_case(case_number: str) -> None:
    """Triage one case in the database and store the suggestion."""
    from sqlmodel import Session

    from workbench.core.actor import Actor
    from workbench.core.db import migrated_engine
    from workbench.intake.triage_desk import suggest_for_case_number

    with Session(migrated_engine()) as session:
        result = suggest_for_case_number(session, actor=Actor.system("triage"),
                                         case_number=case_number)
        session.commit()
    click.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))


@triage_group.command("refresh")
@click.option("--limit", default=10_000, show_default=True, type=click.IntRange(1, 1_000_000),
              help="At most this many cases.")
def refresh_command(limit: int) -> None:
    """Suggest a sorting for unsorted cases that have none, or whose suggestion was made by an
    earlier model, rule set or cue lexicon (run after `triage train`)."""
    from sqlmodel import Session

    from workbench.core.actor import Actor
    from workbench.core.db import migrated_engine
    from workbench.intake.triage_desk import suggest_unsorted

    with Session(migrated_engine()) as session:
        def progress(done: int, total: int) -> None:
            console.print(f"{done}/{total} cases triaged")

        stored = suggest_unsorted(session, actor=Actor.system("triage"), limit=limit,
                                  progress=progress, stale=True)
        session.commit()
    click.echo(f"{stored} new suggestion(s) stored")


@triage_group.command("countries")
@click.option("--load", "source", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A TOML file in the layout of data/triage/a_countries.toml to apply.")
@click.option("--deactivate-missing", is_flag=True,
              help="With --load: switch off active entries that the file leaves out.")
def countries_command(source: Path | None, deactivate_missing: bool) -> None:
    """List the Category A countries, or apply a file of them (each change audited)."""
    from sqlmodel import Session

    from workbench.core.actor import Actor
    from workbench.core.db import migrated_engine
    from workbench.intake.a_countries import list_a_countries, load_a_countries_file

    actor = Actor.system("triage")
    with Session(migrated_engine()) as session:
        if source is not None:
            counts = load_a_countries_file(session, actor=actor, path=source,
                                           deactivate_missing=deactivate_missing)
            session.commit()
            click.echo(", ".join(f"{v} {k}" for k, v in counts.items()))
            return
        for row in list_a_countries(session, actor=actor):
            since = row.since.isoformat() if row.since else "-"
            state = "active" if row.active else "inactive"
            click.echo(f"{row.code}\t{state}\t{since}\t{row.reason}")


@triage_group.command("overrides")
@click.option("--output", "target", required=True,
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="JSONL file to write (it holds applicants' claims: keep it protected).")
def overrides_command(target: Path) -> None:
    """Export the sortings that overrode a suggestion, with the claims, for retraining."""
    from dataclasses import asdict

    from sqlmodel import Session

    from workbench.core.actor import Actor
    from workbench.core.db import migrated_engine
    from workbench.intake.triage_overrides import overrides_for_retraining

    with Session(migrated_engine()) as session:
        records = overrides_for_retraining(session, actor=Actor.system("triage"))
        tmp = target.with_name(target.name + ".part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(asdict(record), ensure_ascii=False, default=str) + "\n")
        tmp.replace(target)
        session.commit()
    click.echo(f"{len(records)} override(s) written to {target}")


@triage_group.command("split")
@click.option("--force", is_flag=True, help="Rebuild the split from scratch.")
def split_command(force: bool) -> None:
    """Place new narratives in the fixed train/test split (existing ones never move)."""
    from triage import corpus
    from triage import split as sp

    records = corpus.load()
    existing = None
    if sp.SPLIT_FILE.exists() and not force:
        existing = sp.read()
    result = sp.assign(records, existing)
    sp.write(result)
    problems = sp.check(records, sp.read())
    console.print(f"{len(result.train)} training and {len(result.test)} test narratives "
                  f"in {sp.SPLIT_FILE}")
    for problem in problems:
        console.print(f"[red]{problem}[/red]")
    if problems:
        sys.exit(1)


@triage_group.command("train")
@click.option("--output", "target", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the model (default: the shipped model file).")
@click.option("--c", "c", default=0.5, show_default=True, type=float,
              help="Regularisation of the linear classifier.")
@click.option("--detector-char", "detector_char", default=None, type=click.FloatRange(0, 10),
              help="Weight of character n-grams in the B detector (default: off).")
@click.option("--detector-words/--no-detector-words", "detector_words", default=None,
              help="Whether the B detector reads word n-grams (default: yes); without them it "
                   "reads character n-grams (weight 1 unless --detector-char says otherwise).")
def train_command(target: Path | None, c: float, detector_char: float | None,
                  detector_words: bool | None) -> None:
    """Train on the training split (never the test split) and save the model with skops."""
    from triage import corpus, model, training
    from triage import split as sp

    records = corpus.load()
    fixed = sp.read()
    problems = sp.check(records, fixed)
    if problems:
        raise click.ClickException("; ".join(problems))
    training_records = [r for r in records if r.id in fixed.train]
    from triage import realset

    real = [claim for claim in realset.build() if claim.part == "train" and claim.label]
    if real:
        console.print(f"Training also on {len(real)} labelled real decisions of the real set's "
                      f"training part ({realset.ATTRIBUTION})")
    else:
        console.print(f"No real decisions at {realset.REAL_DIR}: training on the narratives only")
    words = training.DETECTOR_WORDS if detector_words is None else detector_words
    char = training.DETECTOR_CHAR if detector_char is None else detector_char
    if not words and not char:
        char = 1.0
    result = training.train(training_records, sp.groups(records), c=c, estimator="svm",
                            progress=lambda m: console.print(m), real=real,
                            detector_char=char, detector_words=words)
    path = model.save(result.model, target or model.MODEL_FILE)
    for note in result.notes:
        console.print(note)
    console.print(f"Model {result.model.version} saved to {path}")


@triage_group.command("evaluate")
@click.option("--model", "model_path", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", "report_path", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report here (default: next to the model, report.md/.json).")
@click.option("--rounds", default=1000, show_default=True, type=click.IntRange(10, 100_000),
              help="Bootstrap resamples for the confidence intervals.")
@click.option("--baseline", "baseline_path", default=None,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An earlier model to compare with on the real decisions' test part.")
def evaluate_command(model_path: Path | None, report_path: Path | None, rounds: int,
                     baseline_path: Path | None) -> None:
    """Evaluate on the held-out split and the name-pair test split; print and save the report."""
    from triage import corpus, evaluation, identity_eval
    from triage import model as model_mod
    from triage import split as sp

    triager = _triager(model_path)
    records = corpus.load()
    fixed = sp.read()
    test = [r for r in records if r.id in fixed.test]
    trained = set(triager.model.trained_on.get("record_ids", []))
    if trained & fixed.test:
        raise click.ClickException("The model was trained on test records; retrain it.")
    outcome = evaluation.run(triager, test)
    data = evaluation.report(outcome, rounds=rounds)
    pairs = identity_eval.load_pairs(split="test")
    id_report = identity_eval.evaluate_pairs(pairs)
    data["identity"] = {k: v for k, v in id_report.items() if k != "errors"}
    data["identity"]["errors"] = {k: [e[0] for e in v] for k, v in
                                  id_report.get("errors", {}).items()}
    data["model_version"] = triager.model.version
    data["rules_version"] = triager.rules.version
    from triage import realset

    real_text = ""
    real_test = [c for c in realset.build() if c.part == "test" and c.label]
    if real_test:
        if {c.id for c in real_test} & set(
                triager.model.b_detector.trained_on.get("real_ids", [])
                 if triager.model.b_detector else []):
            raise click.ClickException("The model was trained on real test decisions.")
        data["real"] = evaluation.real_report(triager, real_test, rounds=rounds)
        if baseline_path is not None:
            baseline = _triager(baseline_path)
            data["real_baseline"] = evaluation.real_report(baseline, real_test, rounds=rounds)
            data["real_baseline"]["model_version"] = baseline.model.version
        real_text = evaluation.format_real(data["real"], data.get("real_baseline"))
    else:
        real_text = (f"## Real decisions\n\nNot evaluated: no real decisions at "
                     f"{realset.REAL_DIR}.\n")
    text = (f"# Triage evaluation: model {triager.model.version}, rules "
            f"{triager.rules.version}\n\n" + evaluation.format_report(data, data["identity"])
            + "\n" + real_text)
    click.echo(text)
    base = report_path or (model_path or model_mod.MODEL_FILE).with_name("report.md")
    base.write_text(text, encoding="utf-8")
    base.with_suffix(".json").write_text(json.dumps(data, indent=2, default=str),
                                         encoding="utf-8")
    console.print(f"Report written to {base} and {base.with_suffix('.json')}")


@triage_group.command("real-set")
@click.option("--output", "target", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Write the set as JSON lines here (keep it out of the repository).")
def real_set_command(target: Path | None) -> None:
    """Read the real published decisions (../shared/real-claims) into the development set:
    allegations only, labels from the findings, split by year; print the counts."""
    from triage import realset

    if not realset.available():
        raise click.ClickException(f"No real decisions at {realset.REAL_DIR}.")
    claims = realset.build()
    click.echo(json.dumps(realset.summary(claims), indent=2))
    if target is not None:
        inside = Path(__file__).resolve().parents[2]
        if inside in target.resolve().parents and "var" not in target.resolve().parts:
            raise click.ClickException("Keep the real texts out of the repository (use var/ "
                                       "or a folder outside it).")
        realset.write_jsonl(claims, target)
        console.print(f"{len(claims)} decisions written to {target}")
    console.print(f"Source: {realset.ATTRIBUTION}")
