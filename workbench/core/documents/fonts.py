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
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import OutputProducer
from fpdf.syntax import Name
from fpdf.util import escape_parens

log = logging.getLogger(__name__)

FONT_ENV = "WORKBENCH_PDF_FONT"

@dataclass(frozen=True)
class FontFile:
    """One font usable by fpdf2: a regular face and, when there is one, its bold face."""

    path: str
    index: int = 0  # face number inside a .ttc/.otc collection, chosen by the face's name
    bold_path: str | None = None
    japanese: bool = False
    bold_index: int = 0  # the bold face's number inside its own collection


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


def _japanese_rank(path: str) -> tuple[int, int]:
    name = Path(path).name.lower().replace(" ", "")
    weight = 1 if re.search(r"bold|black|heavy|light|thin|medium|demi", name) else 0
    for needle, rank in _JAPANESE_RANK:
        if needle in name:
            return rank, weight
    return 9, weight  # mincho and other serif faces last


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


@dataclass(frozen=True)
class Face:
    """One face of a font file as its name table calls it."""

    index: int
    family: str  # typographic family (name 16), else the family (name 1): "Noto Sans CJK JP"
    style: str  # typographic subfamily (name 17), else the subfamily (name 2): "Regular"
    japanese_name: bool  # the name table has a record in Japanese (Windows language 0x411)


def _name(table: object, *ids: int) -> str:
    for name_id in ids:
        value = table.getDebugName(name_id)  # type: ignore[attr-defined]
        if value:
            return str(value).strip()
    return ""


@lru_cache(maxsize=64)
def faces(path: str) -> tuple[Face, ...]:
    """The faces of a font file (one for a .ttf/.otf, several for a .ttc/.otc collection),
    read from their name tables with fontTools; empty when the file cannot be read."""
    try:
        from fontTools.ttLib import TTCollection, TTFont

        if path.lower().endswith((".ttc", ".otc")):
            with TTCollection(path, lazy=True) as collection:
                fonts = list(collection.fonts)
                return tuple(_face(number, font) for number, font in enumerate(fonts))
        with TTFont(path, lazy=True) as font:
            return (_face(0, font),)
    except Exception:  # unreadable or unsupported file: no faces
        log.debug("font %s cannot be read", path, exc_info=True)
        return ()


def _face(index: int, font: object) -> Face:
    table = font["name"]  # type: ignore[index]
    japanese = any(record.langID == 0x411 for record in table.names)
    return Face(index, _name(table, 16, 1), _name(table, 17, 2), japanese)


_JP_FAMILY = re.compile(r"(?:^|[\s_-])(?:JP|Japanese|Japan)(?:$|[\s_-])", re.IGNORECASE)
_REGULAR_STYLES = ("regular", "book", "normal", "roman", "")


def _face_rank(face: Face) -> tuple[int, int]:
    """How well a face suits Japanese body text, by its name (lower is better): a family named
    for Japan ("Noto Sans CJK JP") before a face merely named in Japanese, proportional before
    monospaced, the regular weight before others."""
    family = face.family
    if _JP_FAMILY.search(family):
        by_name = 0
    elif face.japanese_name:
        by_name = 2
    else:
        by_name = 9
    if "mono" in family.lower():
        by_name += 1
    return by_name, 0 if face.style.lower() in _REGULAR_STYLES else 1


def japanese_face(path: str) -> int | None:
    """The number of the Japanese face of a font file, chosen by name: in a collection the face
    whose family is named for Japan ("Noto Sans CJK JP", not the SC, TC, HK or KR faces of the
    same file), else one named in Japanese; a single-face file (IPA Gothic) is its only face.
    None when no face has Japanese glyphs or, in a collection, none is Japanese by name."""
    found = faces(path)
    if len(found) == 1:
        return 0 if _has_japanese(_cmap(path, 0)) else None
    ranked = sorted((face for face in found if _face_rank(face)[0] < 9), key=_face_rank)
    for face in ranked:
        if _has_japanese(_cmap(path, face.index)):
            return face.index
    return None


def _matching_face(path: str, family: str) -> int | None:
    """The face of ``path`` (a bold sibling) in ``family``, regular weight names aside."""
    found = faces(path)
    if len(found) == 1:
        return 0
    for face in found:
        if face.family == family:
            return face.index
    return None


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

    def add(path: str, *, require_japanese: bool = False) -> bool:
        if not _usable(path):
            return False
        index = japanese_face(path)
        if index is None:
            if require_japanese:
                return False
            index = 0  # a font without Japanese glyphs (DejaVu Sans): its first face
        key = (os.path.realpath(path), index)
        if key in seen:
            return False
        cmap = _cmap(path, index)
        if not cmap:
            return False
        bold, bold_index = _bold_sibling(path), 0
        if bold is not None:
            family = next((f.family for f in faces(path) if f.index == index), "")
            found = _matching_face(bold, family)
            if found is None or not _cmap(bold, found):
                bold = None
            else:
                bold_index = found
        seen.add(key)
        fonts.append(FontFile(path, index, bold, japanese=_has_japanese(cmap),
                              bold_index=bold_index))
        return True

    configured = os.environ.get(FONT_ENV, "").strip()
    if configured:
        if not add(configured):
            log.warning("%s=%s is not a readable TrueType/OpenType font", FONT_ENV, configured)

    if not any(font.japanese for font in fonts):
        # fontconfig lists every face of a collection, in no useful order (the Traditional
        # Chinese face of Noto Sans CJK first, on Debian): each file once, its face by name.
        candidates = list(dict.fromkeys(
            [path for path, _ in _fc_list_japanese()] + list(_JAPANESE_PATHS)))
        candidates.sort(key=_japanese_rank)  # stable: fc-list order kept
        for path in candidates:
            if add(path, require_japanese=True):
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




# --------------------------------------------------------------------------------------------
# CID-keyed OpenType/CFF fonts (Noto Sans CJK, Source Han Sans): text that reads back
# --------------------------------------------------------------------------------------------
#
# fpdf2 (2.8) numbers the glyphs it uses 1, 2, 3... and, for a CID-keyed CFF font, maps those
# codes to the font's CIDs with a CMap embedded as the font's /Encoding, under a name of its
# own ("Adobe-Identity-UCS"). Readers that go by the CMap's name, pdfminer.six and so pdfplumber
# among them, know no CMap of that name and decode every code to nothing: the text reads back
# empty although the ToUnicode map is right. Here the codes are the CIDs themselves, so that the
# standard /Identity-H encoding, which every reader knows, replaces the embedded CMap.


def use_cid_codes(font: object) -> bool:
    """Make an fpdf2 font that is a CID-keyed CFF font encode each glyph as its CID (True);
    other fonts are left as they are (False)."""
    if not (isinstance(font, TTFFont) and font.is_cff and font.is_cid_keyed):
        return False
    font.__class__ = _CidFont  # the same object, with codes written as two bytes whatever they are
    font.subset = _CidCodes(font)
    return True


class _CidFont(TTFFont):
    """A CID-keyed CFF font whose codes are its CIDs. fpdf2 writes a font's codes as UTF-16,
    which cannot hold the codes 0xD800-0xDFFF (Hangul syllables in Noto Sans CJK); here every
    code is written as its two bytes."""

    __slots__ = ()

    def escape_text(self, text: str) -> str:
        if self.color_font:
            return super().escape_text(text)
        return escape_parens(text.encode("utf-16-be", "surrogatepass").decode("latin-1"))

    def __deepcopy__(self, memo: dict[int, Any]) -> TTFFont:
        copy = super().__deepcopy__(memo)  # fpdf2's copy for its dry runs is a plain TTFFont
        copy.__class__ = _CidFont
        return copy


def _cid_of(glyph: Any) -> int:
    name = glyph.glyph_name
    if name.startswith("cid") and name[3:].isdigit():
        return int(name[3:])
    if name == ".notdef":
        return 0
    return int(glyph.glyph_id)


class _CidCodes(SubsetMap):
    """fpdf2's map from the glyphs used to the codes written, with each glyph's CID as code."""

    def __init__(self, font: Any) -> None:
        super().__init__(font)  # maps .notdef and the space to codes 0 and 32
        self._char_id_per_glyph = {glyph: _cid_of(glyph) if glyph is not None else code
                                   for glyph, code in self._char_id_per_glyph.items()}

    def pick_glyph(self, glyph: Any) -> int | None:
        if glyph is None:
            return None
        code = self._char_id_per_glyph.get(glyph)
        if code is None:
            code = _cid_of(glyph)
            if code > 0xFFFF:  # beyond a two-byte code: fpdf2 leaves such a glyph out anyway
                return None
            self._char_id_per_glyph[glyph] = code
        return code


def _cid_coded(font: object) -> bool:
    return isinstance(getattr(font, "subset", None), _CidCodes)


class IdentityOutputProducer(OutputProducer):
    """fpdf2's output with /Identity-H as the encoding of the fonts that ``use_cid_codes``
    changed, in place of the CMap fpdf2 would embed (which is left out)."""

    def _add_fonts(self, *args: Any, **kwargs: Any) -> dict[int, Any]:
        cff = [font for font in self.fpdf.fonts.values()
               if getattr(font, "is_cff", False) and getattr(font, "is_cid_keyed", False)]
        self._drop_cmaps = bool(cff) and all(_cid_coded(font) for font in cff)
        try:
            objects = super()._add_fonts(*args, **kwargs)
        finally:
            dropping, self._drop_cmaps = self._drop_cmaps, False
        if dropping:
            for font in cff:
                obj = objects.get(font.i)
                if obj is not None and not isinstance(getattr(obj, "encoding", None), str):
                    obj.encoding = Name("Identity-H")
        return objects

    def _add_pdf_obj(self, pdf_obj: Any, trace_label: str | None = None) -> int:
        if getattr(self, "_drop_cmaps", False) and str(getattr(pdf_obj, "type", "")).lstrip(
            "/"
        ) == "CMap":
            return 0  # the embedded encoding CMap: replaced by /Identity-H
        return super()._add_pdf_obj(pdf_obj, trace_label)
