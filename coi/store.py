"""The library's own copy of every ingested file, named by its SHA-256.

Published links rot, so the library keeps each file it ingested. Files are stored under
``<root>/<first two hex digits>/<sha256>`` (never under a user's file name), written to a
temporary name and renamed into place, so a crash leaves no partial file behind.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put(self, source: Path, sha256: str | None = None) -> tuple[str, bool]:
        """Copy ``source`` into the store; returns (sha256, whether it was newly written)."""
        sha256 = sha256 or sha256_of(source)
        target = self.path_for(sha256)
        if target.is_file():
            return sha256, False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out, Path(source).open("rb") as src:
                digest = hashlib.sha256()
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != sha256:
                raise ValueError("the file changed while it was being stored")
            os.chmod(tmp, 0o440)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha256, True

    def remove(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)

    def read_bytes(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()
