"""The bank's versions on disk: one ``data/eligibility/bank/<version>.toml`` file each, the
current one the newest, and a version loaded (parsed, validated and kept in memory until its
file changes)."""

from __future__ import annotations

import re
from pathlib import Path

from workbench.examination.question_bank.bank import QuestionBank
from workbench.examination.question_bank.model import BankError
from workbench.examination.question_bank.parser import _Parser

BANK_DIR = Path(__file__).resolve().parents[3] / "data" / "eligibility" / "bank"


def _version_key(version: str) -> tuple:
    parts = re.split(r"(\d+)", version)
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


def available_versions(directory: Path = BANK_DIR) -> list[str]:
    """The versions in ``directory``, oldest first (2026.9 before 2026.12)."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted((p.stem for p in directory.glob("*.toml") if p.is_file()), key=_version_key)


def current_version(directory: Path = BANK_DIR) -> str:
    """The newest version in ``directory``."""
    versions = available_versions(directory)
    if not versions:
        raise BankError(directory, None, "no question bank (*.toml) in this directory")
    return versions[-1]


_CACHE: dict[tuple[str, str], tuple[tuple[int, int], QuestionBank]] = {}


def load_bank(version: str | None = None, directory: Path = BANK_DIR) -> QuestionBank:
    """The bank of ``version`` (the current one when ``None``), validated.

    Kept in memory per directory and version until its file changes.
    """
    directory = Path(directory)
    versions = available_versions(directory)
    if version is None:
        version = current_version(directory)
    elif version not in versions:
        known = ", ".join(versions) if versions else "none"
        raise BankError(
            directory / f"{version}.toml", None,
            f"no question bank version {version!r}; available versions: {known}",
        )
    path = directory / f"{version}.toml"
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    key = (str(directory.resolve()), version)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    bank = parse_bank(path.read_text(encoding="utf-8"), path)
    _CACHE[key] = (stamp, bank)
    return bank


def parse_bank(text: str, path: Path | str) -> QuestionBank:
    """Parse and validate the text of a bank file; ``path`` names it in errors and gives the
    version the file must declare (its name without ``.toml``)."""
    return _Parser(Path(path), text).parse()

