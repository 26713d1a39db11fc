"""File names shown escaped, and the file store that moves a file into place only once its
row is committed and settles what a killed ingestion left."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coi.filenames import shown_name
from coi.store import FileStore


@pytest.mark.parametrize(("name", "shown"), [
    ("\x1b[31mred.txt", "\\x1b[31mred.txt"),
    ("two\nlines\r.txt", "two\\nlines\\r.txt"),
    ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
    ("isolate\u2066x\u2069.pdf", "isolate\\u2066x\\u2069.pdf"),
    ("tab\there\x7f.txt", "tab\\there\\x7f.txt"),
    ("back\\slash.txt", "back\\slash.txt"),
    ("難民認定 2024 (final).pdf", "難民認定 2024 (final).pdf"),
])
def test_shown_name_escapes_what_could_forge_or_hide_text(name: str, shown: str) -> None:
    assert shown_name(name) == shown
    assert all(ch.isprintable() for ch in shown_name(name))
    assert shown_name(shown) == shown  # a name shown once is shown the same again


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_a_staged_file_gets_its_name_only_when_committed(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    staged = store.stage(b"report one")
    assert staged is not None and not store.has(_sha(b"report one"))
    staged.commit()
    assert store.has(_sha(b"report one")) and store.read_bytes(_sha(b"report one")) == b"report one"
    assert store.stage(b"report one") is None  # already there
    discarded = store.stage(b"report two")
    discarded.discard()
    assert _files(tmp_path / "store") == [_sha(b"report one")]


def test_sweep_removes_unreferenced_files_and_keeps_committed_pending_ones(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    for data in (b"kept", b"orphan"):
        store.stage(data).commit()
    # a writer killed after its row was committed, and one killed before
    after_commit = store.stage(b"committed, not renamed")
    os.close(after_commit.fd)
    before_commit = store.stage(b"never committed")
    os.close(before_commit.fd)
    referenced = {_sha(b"kept"), _sha(b"committed, not renamed")}
    asked: list[set[str]] = []

    def refers(shas) -> set[str]:  # noqa: ANN001
        asked.append(set(shas))
        return referenced & set(shas)

    report = store.sweep(refers)
    assert report.removed == tuple(sorted([_sha(b"orphan"), _sha(b"never committed")]))
    assert report.kept == (_sha(b"committed, not renamed"),)
    assert _files(tmp_path / "store") == sorted(referenced)
    assert store.read_bytes(_sha(b"committed, not renamed")) == b"committed, not renamed"
    assert not store.sweep(refers)  # nothing left to settle


def test_sweep_leaves_a_file_another_process_is_still_staging(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    in_progress = store.stage(b"being ingested right now")  # its lock is held
    report = store.sweep(lambda shas: set())
    assert not report
    in_progress.commit()
    assert store.has(_sha(b"being ingested right now"))


def test_a_process_killed_while_staging_leaves_a_file_the_next_sweep_removes(
        tmp_path: Path) -> None:
    source = tmp_path / "report.txt"
    source.write_bytes(b"a report whose ingestion was killed")
    root = tmp_path / "store"
    script = ("import os, sys; from coi.store import FileStore; "
              f"FileStore({str(root)!r}).stage(__import__('pathlib').Path({str(source)!r})); "
              "os.kill(os.getpid(), 9)")
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[3],
                          check=False)
    assert done.returncode == -9
    assert len(_files(root)) == 1  # the pending copy
    report = FileStore(root).sweep(lambda shas: set())
    assert report.removed == (_sha(source.read_bytes()),)
    assert _files(root) == []
