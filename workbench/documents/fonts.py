"""Fonts for the PDF documents: which TrueType/OpenType faces to embed, and an fpdf2 output
producer under which text in any of them reads back.

The first of ``$WORKBENCH_PDF_FONT``, a font with Japanese glyphs (Noto Sans CJK, IPAex or IPA
Gothic, found through ``fc-list :lang=ja`` and common paths) and DejaVu Sans is the main font;
the others found are registered as fallback fonts, so that Japanese, Vietnamese, Cyrillic and
Arabic-script characters in one line all render.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

FONT_ENV = "WORKBENCH_PDF_FONT"

@dataclass(frozen=True)
class FontFile:
    """One font usable by fpdf2: a regular face and, when there is one, its bold face."""

    path: str
    index: int = 0  # face number inside a .ttc/.otc collection
    bold_path: str | None = None
    japanese: bool = False


@dataclass(frozen=True)
class FontSet:
    """Main font first, then the fallback fonts. Empty: core Helvetica and transliteration."""

    fonts: tuple[FontFile, ...] = ()

    @property
    def japanese(self) -> bool:
        return any(font.japanese for font in self.fonts)

    @property
    def unicode(self) -> bool:
        return bool(self.fonts)


_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

_JAPANESE_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKjp-Regular.otf",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/ipa-ex-gothic/ipaexg.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/ipa-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)

_DEJAVU_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)

# Preferred Japanese faces: sans, proportional Latin, with a bold face where the family has one.
_JAPANESE_RANK = (
    ("notosanscjk", 0),
    ("notosansjp", 0),
    ("ipaexg", 1),
    ("ipagp", 2),
    ("ipag", 3),
    ("fonts-japanese-gothic", 3),
    ("gothic", 4),
    ("sans", 4),
)


def _japanese_rank(path: str) -> int:
    name = Path(path).name.lower().replace(" ", "")
    for needle, rank in _JAPANESE_RANK:
        if needle in name:
            return rank
    return 9  # mincho and other serif faces last


def _fc_list_japanese() -> list[tuple[str, int]]:
    """(file, face index) of fonts that fontconfig says cover Japanese; [] without fc-list."""
    executable = shutil.which("fc-list")
    if executable is None:
        return []
    try:
        out = subprocess.run(
            [executable, "--format", "%{file}\t%{index}\n", ":lang=ja"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found: list[tuple[str, int]] = []
    for line in out.splitlines():
        file, _, index = line.partition("\t")
        if file.strip():
            found.append((file.strip(), int(index) if index.strip().isdigit() else 0))
    return found


@lru_cache(maxsize=64)
def _cmap(path: str, index: int = 0) -> frozenset[int]:
    """The code points a font maps; empty when fontTools cannot read it."""
    try:
        from fontTools.ttLib import TTFont

        with TTFont(path, fontNumber=index, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # unreadable or unsupported file: not a candidate
        log.debug("font %s (face %d) cannot be read", path, index, exc_info=True)
        return frozenset()


def _has_japanese(cmap: frozenset[int]) -> bool:
    return all(ord(ch) in cmap for ch in "あア日本難民")


def _bold_sibling(path: str) -> str | None:
    p = Path(path)
    names = []
    if "Regular" in p.name:
        names.append(p.name.replace("Regular", "Bold"))
    names += [f"{p.stem}-Bold{p.suffix}", f"{p.stem}Bold{p.suffix}", f"{p.stem}-bold{p.suffix}"]
    for name in names:
        candidate = p.with_name(name)
        if candidate != p and candidate.is_file():
            return str(candidate)
    return None


def _usable(path: str) -> bool:
    return path.lower().endswith(_FONT_SUFFIXES) and Path(path).is_file()


@lru_cache(maxsize=1)
def discover_fonts() -> FontSet:
    """Fonts for the PDFs, looked up once per process (``discover_fonts.cache_clear()`` to
    look again): ``$WORKBENCH_PDF_FONT``, then a Japanese font, then DejaVu Sans. The first found
    is the main font, the others are fallbacks. Empty when there is no TrueType font at all."""
    fonts: list[FontFile] = []
    seen: set[tuple[str, int]] = set()

    def add(path: str, index: int = 0, *, require_japanese: bool = False) -> bool:
        if not _usable(path):
            return False
        key = (os.path.realpath(path), index)
        if key in seen:
            return False
        cmap = _cmap(path, index)
        if not cmap or (require_japanese and not _has_japanese(cmap)):
            return False
        bold = _bold_sibling(path)
        if bold is not None and not _cmap(bold, index):
            bold = None
        seen.add(key)
        fonts.append(FontFile(path, index, bold, japanese=_has_japanese(cmap)))
        return True

    configured = os.environ.get(FONT_ENV, "").strip()
    if configured:
        if not add(configured):
            log.warning("%s=%s is not a readable TrueType/OpenType font", FONT_ENV, configured)

    if not any(font.japanese for font in fonts):
        candidates = _fc_list_japanese() + [(path, 0) for path in _JAPANESE_PATHS]
        candidates.sort(key=lambda item: _japanese_rank(item[0]))  # stable: fc-list order kept
        for path, index in candidates:
            if add(path, index, require_japanese=True):
                break

    for path in _DEJAVU_PATHS:
        if add(path):
            break
    return FontSet(tuple(fonts))


_FULL_WIDTH_IN_CJK = ((0x0370, 0x03FF), (0x0400, 0x052F))  # Greek, Cyrillic


def without_full_width_scripts(
    font: FontFile, fallbacks: Sequence[FontFile]
) -> list[int] | None:
    """The code points to take from a Japanese ``font`` when a later font has Greek and Cyrillic
    (None: take them all)."""
    if not font.japanese:
        return None
    probes = [ord("Ж"), ord("Ω")]  # Zhe, Omega
    if not any(all(p in _cmap(f.path, f.index) for p in probes) for f in fallbacks):
        return None
    return sorted(
        cp
        for cp in _cmap(font.path, font.index)
        if not any(low <= cp <= high for low, high in _FULL_WIDTH_IN_CJK)
    )


