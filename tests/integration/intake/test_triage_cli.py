"""``workbench triage batch`` / ``evaluate`` / ``split`` through the real command line (click's
CliRunner on ``workbench.cli.main``), and the fixed train/test split of the shipped data."""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from triage import corpus
from triage import split as sp
from triage.cues import default_lexicon
from workbench.cli import main
from workbench.intake import cli as cli_triage

CATEGORIES = {"A", "B", "C", "D1", "D2", "NA", "ABSTAIN"}

DEBT = ("I borrowed money from a moneylender in my village to build a house. The debt grew with "
        "the interest and I have no money to repay the loan. I have no political problems and "
        "I have never been involved in politics.")
POLITICAL = ("I am a member of the opposition party. In March 2019 the police arrested me at a "
             "rally and tortured me in detention because of my political opinion. Soldiers "
             "came to my house and threatened to kill me.")
CONFLICT = ("There is a civil war in my country. Shelling destroyed my town and militias "
            "fight in the streets every day.")

VALID = [
    {"id": "debt-1", "narrative": DEBT, "nationality": "NPL",
     "status_of_residence": "TECHNICAL_INTERN"},
    {"id": "repeat-2", "narrative": POLITICAL + " My situation has not changed.",
     "nationality": "BGD", "status_of_residence": "TEMPORARY_VISITOR",
     "application_number": 2, "previous_narratives": [POLITICAL]},
    {"id": "third-3", "narrative": POLITICAL, "nationality": "BGD",
     "status_of_residence": "TEMPORARY_VISITOR", "application_number": 3},
    {"id": 4, "narrative": CONFLICT, "nationality": "SYR", "status_of_residence": "STUDENT"},
]
MALFORMED = [
    "this line is not JSON",
    json.dumps({"id": "no-narrative", "nationality": "BGD"}),
    json.dumps({"id": "bad-previous", "narrative": POLITICAL, "application_number": 2,
                "previous_narratives": "the earlier claim"}),
]
#: Valid and malformed lines interleaved: the malformed ones are lines 2, 4 and 6.
LINES = [json.dumps(VALID[0]), MALFORMED[0], json.dumps(VALID[1]), MALFORMED[1],
         json.dumps(VALID[2]), MALFORMED[2], json.dumps(VALID[3])]
BAD_LINES = {2, 4, 6}


@pytest.fixture
def batch_input(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def run_batch(source: Path, target: Path, workers: int) -> Result:
    return CliRunner().invoke(main, ["triage", "batch", "--input", str(source), "--output",
                                     str(target), "--workers", str(workers)])


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def reported_lines(output: str) -> set[int]:
    return {int(n) for n in re.findall(r"line (\d+):", output)}


def test_batch_writes_the_valid_lines_and_names_the_malformed_ones(batch_input: Path,
                                                                   tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    result = run_batch(batch_input, target, workers=1)
    assert result.exit_code == 1, result.output
    assert reported_lines(result.output) == BAD_LINES
    assert "not JSON" in result.output
    assert "'narrative'" in result.output
    assert "'previous_narratives'" in result.output
    assert "4 suggestion(s) written" in result.output
    rows = read_jsonl(target)
    assert [r["id"] for r in rows] == ["debt-1", "repeat-2", "third-3", "4"]
    names = set(default_lexicon().names)
    for row, line in zip(rows, VALID, strict=True):
        assert {"id", "category", "confidence", "b_reason", "third_or_later_exception",
                "evidence"} <= set(row)
        assert row["category"] in CATEGORIES
        assert 0.0 <= row["confidence"] <= 1.0
        assert 0.0 <= row["p_b"] <= 1.0
        assert isinstance(row["evidence"], list) and row["evidence"]
        for evidence in row["evidence"]:
            assert isinstance(evidence["sentence"], str) and evidence["sentence"]
            assert evidence["sentence"].strip() in line["narrative"]
            assert all(cue["type"] in names for cue in evidence["cues"])
    by_id = {r["id"]: r for r in rows}
    assert (by_id["debt-1"]["category"], by_id["debt-1"]["b_reason"]) == ("B", "debt_property")
    assert any(c["type"] == "b_debt_property"
               for e in by_id["debt-1"]["evidence"] for c in e["cues"])
    # Ranked by p(B), the debt claim comes before the political one.
    assert by_id["debt-1"]["p_b"] > by_id["third-3"]["p_b"]
    assert by_id["repeat-2"]["category"] == "C"
    assert by_id["repeat-2"]["repeats"] == 0
    assert by_id["third-3"]["third_or_later_exception"] is True
    assert by_id["debt-1"]["third_or_later_exception"] is None
    assert by_id["repeat-2"]["third_or_later_exception"] is None
    for rid in ("repeat-2", "third-3", "4"):
        assert by_id[rid]["b_reason"] is None
    assert not tmp_path.joinpath("out.jsonl.part").exists()


def test_batch_with_two_workers_writes_the_same_output(batch_input: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    one = tmp_path / "one.jsonl"
    two = tmp_path / "two.jsonl"
    assert run_batch(batch_input, one, workers=1).exit_code == 1
    # One line a chunk, so that both workers get lines and the order has to be kept.
    monkeypatch.setattr(cli_triage, "BATCH_CHUNK", 1)
    result = run_batch(batch_input, two, workers=2)
    assert result.exit_code == 1, result.output
    assert reported_lines(result.output) == BAD_LINES
    assert read_jsonl(two) == read_jsonl(one)


def test_batch_needs_no_database(batch_input: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.core.settings import get_settings

    missing = tmp_path / "no" / "such" / "directory"
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", f"sqlite:///{missing}/workbench.core.db")
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(missing))
    get_settings.cache_clear()
    try:
        source = tmp_path / "valid.jsonl"
        source.write_text("\n".join(json.dumps(v) for v in VALID) + "\n", encoding="utf-8")
        target = tmp_path / "out.jsonl"
        result = run_batch(source, target, workers=1)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_jsonl(target)] == ["debt-1", "repeat-2", "third-3", "4"]
    assert not (tmp_path / "no").exists()


def test_evaluate_writes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    result = CliRunner().invoke(main, ["triage", "evaluate", "--rounds", "20", "--report",
                                       str(report)])
    assert result.exit_code == 0, result.output
    text = report.read_text(encoding="utf-8")
    for heading in ("Category B precision", "Macro F1", "Identity matching"):
        assert heading in text
    data = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))
    assert {"per_category", "confusion", "abstention_rate", "identity"} <= set(data)
    assert set(data["per_category"]) >= {"A", "B", "C", "D1", "D2"}
    assert 0.0 <= data["abstention_rate"] <= 1.0


# --- the fixed split --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def records() -> list[corpus.Record]:
    return corpus.load()


@pytest.fixture(scope="module")
def fixed() -> sp.Split:
    return sp.read()


def test_every_record_is_on_exactly_one_side(records: list[corpus.Record],
                                             fixed: sp.Split) -> None:
    assert records
    assert not fixed.train & fixed.test
    for record in records:
        assert (record.id in fixed.train) != (record.id in fixed.test), record.id
    assert fixed.train | fixed.test == {r.id for r in records}


def test_the_split_check_finds_no_problems(records: list[corpus.Record],
                                           fixed: sp.Split) -> None:
    assert sp.check(records, fixed) == []


def test_every_independent_record_is_in_test(records: list[corpus.Record],
                                             fixed: sp.Split) -> None:
    independent = [r.id for r in records if r.author == sp.INDEPENDENT_AUTHOR]
    assert independent
    assert [rid for rid in independent if rid not in fixed.test] == []


def test_no_training_record_is_a_near_duplicate_of_a_test_record(
        records: list[corpus.Record], fixed: sp.Split) -> None:
    sides: dict[str, set[str]] = defaultdict(set)
    for rid, group in sp.groups(records).items():
        sides[group].add("test" if rid in fixed.test else "train")
    assert [g for g, s in sides.items() if len(s) > 1] == []


def test_split_command_keeps_every_existing_assignment(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       fixed: sp.Split) -> None:
    shipped = sp.SPLIT_FILE.read_bytes()
    target = tmp_path / "split.toml"
    real_write, real_read = sp.write, sp.read
    monkeypatch.setattr(sp, "write", lambda split: real_write(split, target))
    monkeypatch.setattr(sp, "read",
                        lambda: real_read(target if target.exists() else sp.SPLIT_FILE))
    result = CliRunner().invoke(main, ["triage", "split"])
    assert result.exit_code == 0, result.output
    rewritten = real_read(target)
    assert (rewritten.train, rewritten.test) == (fixed.train, fixed.test)
    assert hashlib.sha256(sp.SPLIT_FILE.read_bytes()).digest() == hashlib.sha256(
        shipped).digest()


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_reports_too_deep_and_too_long_lines_and_triages_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    huge = json.dumps({"id": "huge", "narrative": "x" * (cli_triage.MAX_LINE_BYTES + 10)})
    source = tmp_path / "abusive.jsonl"
    source.write_text("\n".join([json.dumps(VALID[0]), deep, json.dumps(VALID[1]), huge,
                                 json.dumps(VALID[3])]) + "\n", encoding="utf-8")
    monkeypatch.setattr(cli_triage, "BATCH_CHUNK", 1)
    target = tmp_path / "out.jsonl"
    result = run_batch(source, target, workers=workers)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert reported_lines(result.output) == {2, 4}
    assert "nested too deeply" in result.output
    assert "longer than 2 MB" in result.output
    assert "3 suggestion(s) written" in result.output
    assert [r["id"] for r in read_jsonl(target)] == ["debt-1", "repeat-2", "4"]


def test_read_lines_skips_an_over_long_line_without_losing_the_next() -> None:
    import io

    data = io.BytesIO(b"short\n" + b"y" * 25 + b"\nlast")
    assert list(cli_triage.read_lines(data, max_bytes=10)) == [
        (1, "short\n"), (2, None), (3, "last")]
    exact = io.BytesIO(b"0123456789\nnext\n")
    assert list(cli_triage.read_lines(exact, max_bytes=10)) == [
        (1, "0123456789\n"), (2, "next\n")]


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_triages_a_damaged_narrative_and_leaves_other_languages_unscored(
        tmp_path: Path, workers: int) -> None:
    # A lone surrogate (a broken UTF-16 conversion) is valid JSON; it once stopped the whole
    # batch with nothing written. A French claim was read as English and scored.
    damaged = {"id": "damaged", "nationality": "BGD",
               "narrative": POLITICAL.replace("rally", "rally \udcff") + "\x00"}
    french = {"id": "french", "nationality": "COD",
              "narrative": "Le demandeur allègue que la police l'a arrêté et torturé parce "
                           "qu'il était membre d'un parti d'opposition."}
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(o) for o in (damaged, french, VALID[0])) + "\n",
                      encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = run_batch(source, target, workers=workers)
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in read_jsonl(target)}
    assert set(rows) == {"damaged", "french", "debt-1"}
    assert rows["damaged"]["category"] in {"D1", "D2"}
    assert rows["damaged"]["p_b"] < 0.5
    assert rows["french"]["category"] == "ABSTAIN"
    assert rows["french"]["p_b"] is None
    assert any("neither English nor Japanese" in r for r in rows["french"]["reasons"])
    assert rows["debt-1"]["p_b"] > 0.5
    summary = " ".join(result.output.split())
    assert "ABSTAIN 1" in summary and "B 1" in summary
    assert "1 left to a person unread" in summary


def test_a_claim_the_triage_fails_on_costs_only_its_own_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from triage.engine import Triager

    real_many = Triager.suggest_many

    def failing(self, items, batch_size=64):  # noqa: ANN001, ANN202
        if any("BOOM" in i.narrative for i in items):
            raise RuntimeError("a fault inside the pipeline")
        return real_many(self, items, batch_size)

    monkeypatch.setattr(Triager, "suggest_many", failing)
    poisoned = {"id": "poisoned", "narrative": DEBT + " BOOM"}
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([json.dumps(VALID[0]), json.dumps(poisoned),
                                 json.dumps(VALID[3])]) + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = run_batch(source, target, workers=1)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert reported_lines(result.output) == {2}
    assert "id poisoned" in result.output and "RuntimeError" in result.output
    assert DEBT[:30] not in result.output  # the claim's text is never echoed
    assert [r["id"] for r in read_jsonl(target)] == ["debt-1", "4"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be"])
def test_batch_reads_exports_with_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    # What Windows tools and spreadsheets write: UTF-8 with a byte-order mark, or "Unicode
    # text" (UTF-16), with Windows line ends. The first line was lost to "not JSON".
    rows = [dict(VALID[0], nationality="ネパール"), VALID[3]]
    source = tmp_path / "export.jsonl"
    text = "\r\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\r\n"
    if encoding == "utf-16-be":
        source.write_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    else:
        source.write_text(text, encoding=encoding)
    target = tmp_path / "out.jsonl"
    result = run_batch(source, target, workers=1)
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_jsonl(target)] == ["debt-1", "4"]
    assert read_jsonl(target)[0]["category"] == "B"


def test_an_over_long_utf16_line_is_skipped_and_the_next_read() -> None:
    import io

    data = io.BytesIO(codecs.BOM_UTF16_LE + "short\nyyyyyyyyyyyyyyyyyyyy\nlast".encode("utf-16-le"))
    assert list(cli_triage.read_lines(data, max_bytes=20)) == [
        (1, "short\n"), (2, None), (3, "last")]


@pytest.mark.parametrize("given", ["Afghanistan", "afg", "AF", "004", "Afghan", "アフガニスタン",
                                   " AFG "])
def test_the_a_list_applies_whatever_form_the_nationality_takes(tmp_path: Path,
                                                                given: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "p", "narrative": POLITICAL, "nationality": given},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    target = tmp_path / "out.jsonl"
    result = run_batch(source, target, workers=1)
    assert result.exit_code == 0, result.output
    row = read_jsonl(target)[0]
    assert row["category"] == "A", row
    assert any(r.startswith("AFG is on the Category A list") for r in row["reasons"])


def test_an_unknown_nationality_is_kept_as_given() -> None:
    assert cli_triage.nationality_code("Atlantis") == "ATLANTIS"
    assert cli_triage.nationality_code("  ") is None
    assert cli_triage.nationality_code(None) is None
