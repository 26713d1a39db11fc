"""Fonts of the case documents: the Japanese face of a font collection is chosen by its name,
and text set in a CID-keyed OpenType/CFF font (Noto Sans CJK) reads back."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest

from workbench.core.documents import fonts
from workbench.core.documents.fonts import FONT_ENV, Face, discover_fonts
from workbench.examination.documents.notice import NoticeDoc, notice_pdf

NOTO_CJK_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
)


def noto_cjk_collection() -> str | None:
    """A Noto Sans CJK collection (.ttc) on this machine, from fontconfig or a common path."""
    listed: list[str] = []
    if shutil.which("fc-list"):
        out = subprocess.run(["fc-list", "--format", "%{file}\n", ":lang=ja"],
                             capture_output=True, text=True, timeout=10, check=False).stdout
        listed = [line.strip() for line in out.splitlines()]
    for path in [*listed, *NOTO_CJK_PATHS]:
        if re.search(r"NotoSansCJK-Regular\.ttc$", path) and Path(path).is_file():
            return path
    return None


def family_of(path: str, index: int) -> str:
    """The family name of one face, read here with fontTools independently of the code."""
    from fontTools.ttLib import TTCollection

    with TTCollection(path, lazy=True) as collection:
        name = collection.fonts[index]["name"]
        return str(name.getDebugName(16) or name.getDebugName(1))


@pytest.fixture
def fresh_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(FONT_ENV, raising=False)
    discover_fonts.cache_clear()
    yield
    discover_fonts.cache_clear()


def test_japanese_face_of_a_noto_collection_is_chosen_by_name(
    monkeypatch: pytest.MonkeyPatch, fresh_fonts: None
) -> None:
    path = noto_cjk_collection()
    if path is None:
        pytest.skip("no Noto Sans CJK collection installed (apt-get install fonts-noto-cjk)")
    index = fonts.japanese_face(path)
    assert index is not None
    assert family_of(path, index) == "Noto Sans CJK JP"
    # fontconfig on Debian lists the Traditional Chinese face first: that order must not count.
    others = [face.index for face in fonts.faces(path) if face.index != index]
    monkeypatch.setattr(fonts, "_fc_list_japanese", lambda: [(path, i) for i in others])
    monkeypatch.setattr(fonts, "_JAPANESE_PATHS", ())
    main = discover_fonts().fonts[0]
    assert (main.path, main.index) == (path, index)
    if main.bold_path is not None:
        assert family_of(main.bold_path, main.bold_index) == "Noto Sans CJK JP"


def test_japanese_face_is_the_one_named_for_japan_wherever_it_sits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    collection = (
        Face(0, "Noto Sans CJK TC", "Regular", False),
        Face(1, "Noto Sans Mono CJK JP", "Regular", True),
        Face(2, "Noto Sans CJK SC", "Regular", False),
        Face(3, "Noto Sans CJK JP", "Regular", True),
        Face(4, "Noto Sans CJK KR", "Regular", False),
    )
    monkeypatch.setattr(fonts, "faces", lambda path: collection)
    monkeypatch.setattr(fonts, "_cmap", lambda path, index=0: frozenset(map(ord, "あア日本難民")))
    assert fonts.japanese_face("/fonts/any.ttc") == 3
    monkeypatch.setattr(fonts, "faces", lambda path: collection[:3])
    assert fonts.japanese_face("/fonts/any.ttc") == 1  # monospaced, but Japanese
    monkeypatch.setattr(fonts, "faces", lambda path: (collection[0], collection[2]))
    assert fonts.japanese_face("/fonts/any.ttc") is None  # no face is Japanese by name
    monkeypatch.setattr(fonts, "faces", lambda path: (Face(0, "IPAPGothic", "Regular", True),))
    assert fonts.japanese_face("/fonts/ipagp.ttf") == 0


def test_text_in_a_cid_keyed_cff_font_reads_back(
    monkeypatch: pytest.MonkeyPatch, fresh_fonts: None
) -> None:
    path = noto_cjk_collection()
    if path is None:
        pytest.skip("no Noto Sans CJK collection installed (apt-get install fonts-noto-cjk)")
    monkeypatch.setenv(FONT_ENV, path)
    discover_fonts.cache_clear()
    main = discover_fonts().fonts[0]
    assert main.path == path and family_of(path, main.index) == "Noto Sans CJK JP"
    sentence = "申請者は、本国に帰国すれば警察に逮捕されるおそれがあると供述した。"
    data = notice_pdf(NoticeDoc(
        case_number="R-2025-000777", applicant="山田 太郎 (YAMADA Taro) 김민준 쨍",
        nationality="ミャンマー", date_of_birth="1990-01-02",
        application_type="REFUGEE", lodged="2025-01-10", outcome="NOT_RECOGNISED",
        reasons=sentence, citations=(), humanitarian_permission=None, notice_date="2025-12-01",
        review_deadline="2025-12-08", review_window_days=7,
        decision_reference="R-2025-000777/D1", superseded_note=None,
    ), "en")
    # Every reader knows /Identity-H; the CMap fpdf2 would embed under a name of its own is
    # what made pdfminer (pdfplumber) read nothing at all.
    assert b"/Encoding /Identity-H" in data
    assert not re.search(rb"/Type /CMap\b", data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    assert "R-2025-000777" in text
    # 쨍: a Hangul syllable whose CID falls in the UTF-16 surrogate range
    assert "山田 太郎 (YAMADA Taro) 김민준 쨍" in text
    assert re.sub(r"\s", "", sentence) in re.sub(r"\s", "", text)
