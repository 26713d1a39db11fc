"""The library's own copy of every ingested file, named by its SHA-256.

Published links rot, so the library keeps each file it ingested. Files are stored under
``<root>/<first two hex digits>/<sha256>`` (or ``<root>/<sha256>`` for a flat store), never
under a user's file name.

A file reaches its final name only once the database row that refers to it is committed:
``stage`` copies it to a pending name (``.pending-<sha256>-…``) and holds an exclusive lock on
it; ``Staged.commit`` renames it into place after the transaction commits, ``Staged.discard``
removes it when the transaction rolls back. A process killed in between leaves a pending file
whose lock died with it, and ``sweep`` settles it on the next ingestion: kept (renamed into
place) when a row refers to it (killed after the commit), removed otherwise. ``sweep`` also
removes final files that no row refers to (left by a killed ingestion of earlier versions, or
by a row removed since), while files another process is staging are left alone.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

_CHUNK = 1 << 20
_PENDING = ".pending-"
_HEX = frozenset("0123456789abcdef")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_sha(name: str) -> bool:
    return len(name) == 64 and set(name) <= _HEX


@dataclass
class Staged:
    """A file copied to its pending name and locked until ``commit`` or ``discard``."""

    pending: Path
    target: Path
    fd: int

    def commit(self) -> None:
        """Move the file to its final name (call once its row is committed)."""
        try:
            os.replace(self.pending, self.target)
        finally:
            os.close(self.fd)

    def discard(self) -> None:
        """Remove the pending file (its row was not committed)."""
        try:
            self.pending.unlink(missing_ok=True)
        finally:
            os.close(self.fd)


@dataclass(frozen=True)
class SweepReport:
    """What ``sweep`` did: files removed (no row refers to them) and pending files kept
    because a committed row refers to them."""

    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.removed or self.kept)


@dataclass
class _Candidates:
    finals: dict[str, Path] = field(default_factory=dict)
    pending: list[tuple[str, Path, int]] = field(default_factory=list)  # (sha, path, fd)


class FileStore:
    def __init__(self, root: Path, *, fanout: bool = True, mode: int = 0o440) -> None:
        self.root = Path(root)
        self.fanout = fanout
        self.mode = mode

    def path_for(self, sha256: str) -> Path:
        if not _is_sha(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256 if self.fanout else self.root / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def stage(self, source: Path | bytes, sha256: str | None = None) -> Staged | None:
        """Copy ``source`` (a file or its content) to a locked pending name; ``None`` when
        the store already holds the file."""
        if sha256 is None:
            sha256 = (hashlib.sha256(source).hexdigest() if isinstance(source, bytes)
                      else sha256_of(source))
        target = self.path_for(sha256)
        if target.is_file():
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{_PENDING}{sha256}-")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            digest = _copy_into(fd, source)
            if digest != sha256:
                raise ValueError("the file changed while it was being stored")
            os.chmod(tmp, self.mode)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            os.close(fd)
            raise
        return Staged(Path(tmp), target, fd)

    def put(self, source: Path, sha256: str | None = None) -> tuple[str, bool]:
        """Copy ``source`` into the store at once (no row to wait for); returns (sha256,
        whether it was newly written)."""
        sha256 = sha256 or sha256_of(source)
        staged = self.stage(source, sha256)
        if staged is None:
            return sha256, False
        staged.commit()
        return sha256, True

    def remove(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)

    def read_bytes(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def sweep(self, referenced: Callable[[Iterable[str]], set[str]]) -> SweepReport:
        """Settle what interrupted writes left: ``referenced(shas)`` answers which of the
        given digests a committed row refers to. See the module's description."""
        if not self.root.is_dir():
            return SweepReport()
        found = self._candidates()
        try:
            wanted = referenced({*found.finals, *(sha for sha, _, _ in found.pending)})
            removed, kept = [], []
            for sha, path in found.finals.items():
                if sha not in wanted:
                    path.unlink(missing_ok=True)
                    removed.append(sha)
            for sha, path, _ in found.pending:
                target = self.path_for(sha)
                if sha in wanted and not target.exists():
                    os.replace(path, target)
                    kept.append(sha)
                else:
                    path.unlink(missing_ok=True)
                    if sha not in wanted:
                        removed.append(sha)
        finally:
            for _, _, fd in found.pending:
                os.close(fd)
        return SweepReport(tuple(sorted(set(removed))), tuple(sorted(kept)))

    def _candidates(self) -> _Candidates:
        """Final files, and the pending files whose writer is gone (their lock is taken
        here and held until the sweep ends)."""
        found = _Candidates()
        folders = [p for p in self.root.iterdir() if p.is_dir() and not p.is_symlink()] \
            if self.fanout else [self.root]
        for folder in folders:
            for path in folder.iterdir():
                name = path.name
                if _is_sha(name) and path.is_file() and not path.is_symlink():
                    found.finals[name] = path
                elif name.startswith(_PENDING) and _is_sha(name[len(_PENDING):][:64]):
                    fd = _lock_if_abandoned(path)
                    if fd is not None:
                        found.pending.append((name[len(_PENDING):][:64], path, fd))
        return found


def _lock_if_abandoned(path: Path) -> int | None:
    """An open, locked descriptor of ``path`` when no live process holds its lock."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _copy_into(fd: int, source: Path | bytes) -> str:
    """Write ``source`` to ``fd`` (synced to disk); returns the SHA-256 of what was written."""
    digest = hashlib.sha256()
    with os.fdopen(os.dup(fd), "wb") as out:
        if isinstance(source, bytes):
            digest.update(source)
            out.write(source)
        else:
            with Path(source).open("rb") as src:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()
