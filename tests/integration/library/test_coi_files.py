"""Files given to the COI library that must not do harm: links out of the folder being
ingested, a file that is one enormous line, names with control characters, and what a
killed ingestion leaves in the file store (each on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sqlalchemy import select

from coi.extracted import MAX_PASSAGE_CHARS
from coi.ingest import DocumentFields
from coi.store import FileStore, sha256_of
from models import AuditEvent
from models.coi import CoiDocument, CoiPassage
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.core.settings import Settings
from workbench.library.documents import document_file, open_document
from workbench.library.ingestion import ingest_files, iter_files

SYSTEM = Actor.system("test")
AFG = DocumentFields(countries=("AFG",))
REPORT = ("Returnees from Iran reported arbitrary arrest by the police at the border "
          "crossing in Nangarhar.\n\nHazara communities faced attacks on mosques.\n")


def _audit(engine, action: str) -> list[dict]:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        rows = s.execute(select(AuditEvent.details).where(AuditEvent.action == action)
                         .order_by(AuditEvent.seq)).scalars().all()
    return [json.loads(r) for r in rows]


def test_links_out_of_the_folder_are_refused_and_the_rest_ingested(
        engine, tmp_path: Path, settings: Settings) -> None:  # noqa: ANN001
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Zanzibarian passwords of the host machine.\n" * 3)
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    (folder / "report.txt").write_text(REPORT)
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "secret.txt").symlink_to(outside / "secret.txt")
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    (folder / "sub" / "same.txt").symlink_to(folder / "report.txt")  # inside: allowed
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)  # inside, a loop

    files, refused = iter_files([folder])
    assert files == [folder / "report.txt", folder / "sub" / "same.txt"]
    assert sorted(Path(o.path).name for o in refused) == ["elsewhere", "passwd.txt",
                                                          "secret.txt"]
    assert all(o.status == "failed" and "outside the folder" in o.message for o in refused)
    outcomes = ingest_files(engine, actor=SYSTEM, paths=files, fields=AFG,
                            settings=settings)
    assert [o.status for o in outcomes] == ["added", "duplicate"]
    with unit_of_work(engine, write=False) as s:
        texts = " ".join(s.execute(select(CoiPassage.text)).scalars())
    assert "Zanzibarian" not in texts and "root:" not in texts


def test_a_file_that_is_one_long_line_becomes_bounded_passages(
        engine, tmp_path: Path, settings: Settings) -> None:  # noqa: ANN001
    sentence = "Returnees were detained by the police at the border crossing. "
    line = tmp_path / "one-line.txt"
    line.write_text(sentence * (3_000_000 // len(sentence)))
    [outcome] = ingest_files(engine, actor=SYSTEM, paths=[line], fields=AFG,
                             settings=settings)
    assert outcome.status == "added", outcome.message
    with unit_of_work(engine, write=False) as s:
        lengths = [len(t) for t in s.execute(select(CoiPassage.text)).scalars()]
    assert max(lengths) <= MAX_PASSAGE_CHARS
    assert len(lengths) == outcome.passages > 3_000_000 // MAX_PASSAGE_CHARS


def test_control_characters_in_file_names_are_shown_escaped(
        engine, tmp_path: Path, settings: Settings) -> None:  # noqa: ANN001
    names = ["\x1b[31mred.txt", "two\nlines\r.txt", "evil\u202etxt.exe"]
    paths = []
    for n, name in enumerate(names):
        path = tmp_path / name
        path.write_text(f"Report number {n}.\n\n" + REPORT)
        paths.append(path)
    outcomes = ingest_files(engine, actor=SYSTEM, paths=paths, fields=AFG,
                            settings=settings)
    shown = ["\\x1b[31mred.txt", "two\\nlines\\r.txt", "evil\\u202etxt.exe"]
    assert [o.path for o in outcomes] == shown
    assert all(o.status == "added" for o in outcomes)
    with unit_of_work(engine, write=False) as s:
        stored = s.execute(select(CoiDocument.file_name, CoiDocument.title)
                           .order_by(CoiDocument.id)).all()
        view = open_document(s, actor=SYSTEM, document_id=outcomes[0].document_id,
                             with_passages=False)
    assert sorted(f for f, _ in stored) == sorted(shown) and view.file_name == shown[0]
    assert not any(ch in f + t for f, t in stored for ch in "\x1b\n\r\u202e")
    assert sorted(d["file"] for d in _audit(engine, "coi.ingest")) == sorted(shown)


def test_what_a_killed_ingestion_left_is_settled_at_the_next_one(
        engine, tmp_path: Path, settings: Settings) -> None:  # noqa: ANN001
    store = FileStore(settings.resolved_coi_store)
    first = tmp_path / "first.txt"
    first.write_text("First report.\n\n" + REPORT)
    [added] = ingest_files(engine, actor=SYSTEM, paths=[first], fields=AFG,
                           settings=settings)
    # killed between the store write and the commit: by earlier versions (a final name) ...
    store.put(_write(tmp_path / "orphan.txt", b"never committed"))
    # ... and now (a pending name whose writer died)
    os.close(store.stage(b"staged, then killed").fd)
    # killed after the commit, before the rename: the document's file is still pending
    sha = sha256_of(first)
    final = store.path_for(sha)
    final.rename(final.with_name(f".pending-{sha}-killed"))

    heard = []
    second = _write(tmp_path / "second.txt", ("Second report.\n\n" + REPORT).encode())
    [outcome] = ingest_files(engine, actor=SYSTEM, paths=[second], fields=AFG,
                             settings=settings, swept=heard.append)
    assert outcome.status == "added"
    assert len(heard) == 1
    assert sorted(heard[0].removed) == sorted([sha256_of(tmp_path / "orphan.txt"),
                                               _sha_of(b"staged, then killed")])
    assert heard[0].kept == (sha,)
    in_store = sorted(p.name for p in settings.resolved_coi_store.rglob("*") if p.is_file())
    assert in_store == sorted([sha, sha256_of(second)])
    with unit_of_work(engine, write=False) as s:
        data, _, _ = document_file(s, actor=SYSTEM, document_id=added.document_id,
                                   settings=settings)
    assert data == first.read_bytes()
    [swept] = _audit(engine, "coi.store.sweep")
    assert swept["kept"] == [sha] and len(swept["removed"]) == 2


def test_a_failed_ingestion_leaves_no_file_behind(engine, tmp_path: Path,
                                                  settings: Settings) -> None:  # noqa: ANN001
    path = _write(tmp_path / "report.txt", REPORT.encode())
    [outcome] = ingest_files(
        engine, actor=SYSTEM, paths=[path], settings=settings,
        fields=DocumentFields(countries=("AFG",), doc_type="not-a-type"))
    assert outcome.status == "failed" and "Unknown document type" in outcome.message
    assert [p for p in settings.resolved_coi_store.rglob("*") if p.is_file()] == []


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _sha_of(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()
