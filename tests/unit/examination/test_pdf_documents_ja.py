"""The case documents in Japanese, read back with pdfplumber: the notice of decision as an
official notice (its three variants), the interview record as a 供述調書 and the preparation
sheet; each with IPA Gothic and with Noto Sans CJK when they are installed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.unit.core.test_pdf_fonts import noto_cjk_collection
from tests.unit.examination.test_pdf_documents import ANSWERS, Read, notice, record, sheet
from workbench.core.documents.fonts import FONT_ENV, discover_fonts
from workbench.examination.documents import preparation_sheet
from workbench.examination.documents.interview_record import (
    AnswerLine,
    InconsistencyLine,
    InterviewRecordDoc,
    SessionLine,
    interview_record_pdf,
)
from workbench.examination.documents.notice import NoticeDoc, notice_pdf
from workbench.examination.documents.preparation_sheet import preparation_sheet_pdf

IPA_PATHS = (
    "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)


def ipa_font() -> str | None:
    return next((path for path in IPA_PATHS if Path(path).is_file()), None)


@pytest.fixture(params=["ipa", "noto"])
def japanese_font(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each Japanese font installed, in turn, as the documents' main font."""
    path = ipa_font() if request.param == "ipa" else noto_cjk_collection()
    if path is None:
        pytest.skip(f"no {request.param} font installed (scripts/ensure-fonts.sh; "
                    "apt-get install fonts-noto-cjk)")
    monkeypatch.setenv(FONT_ENV, path)
    discover_fonts.cache_clear()
    assert discover_fonts().fonts[0].japanese
    yield path
    discover_fonts.cache_clear()


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


REASONS_JA = (
    "申請者は、土地収用に反対する抗議活動に参加したことを理由に、本国の警察から迫害を受ける"
    "おそれがあると申し立てている。"
    "\n\n"
    "申請者は釈放後、別の州で公然と生活しており、その後警察との接触はない。"
)

REVIEW_SENTENCE = ("この処分に不服があるときは、この通知を受けた日の翌日から起算して7日以内に、"
                   "法務大臣に対して書面で審査請求をすることができます。")


def notice_ja(**changes: object) -> NoticeDoc:
    return notice(**{
        "applicant": "グエン・ティ・ラン (NGUYEN Thi Lan)",
        "nationality": "ベトナム",
        "date_of_birth": date(1991, 7, 30),
        "lodged": date(2023, 11, 20),
        "notice_date": date(2025, 12, 1),
        "review_deadline": date(2025, 12, 8),
        "reasons": REASONS_JA,
        "citations": (),
        **changes,
    })


# --- notice of decision --------------------------------------------------------------------------


def test_notice_of_non_recognition_is_an_official_japanese_notice(japanese_font: str) -> None:
    read = Read(notice_pdf(notice_ja()))  # Japanese unless English is asked for
    text = read.compact
    for number, page in enumerate(read.pages, start=1):
        assert "難民の認定をしない処分の通知書" in page  # the title in every page header
        assert "案件番号 R-2024-000123" in page
        assert re.search(rf"{number} / {len(read.pages)} ページ", page)
    # The addressee: name, nationality, date of birth in the Japanese era.
    assert "申請者グエン・ティ・ラン(NGUYEN Thi Lan)".replace(" ", "") in text
    assert "国籍ベトナム" in text
    assert "フリガナ" not in text  # no reading recorded: no empty row
    assert "生年月日平成3年7月30日(1991年)" in text
    assert ("あなたが令和5年11月20日(2023年)に行った難民認定申請について、下記のとおり処分したので"
            "通知します。") in text
    # The decision and its reasons.
    assert "処分の内容難民の認定をしない(不認定)。" in text.replace("（", "(").replace("）", ")")
    assert "理由" in text and compact(REASONS_JA) in text
    # Where and by when to file; the issuing authority and its seal.
    assert "審査請求についての教示" in text
    assert REVIEW_SENTENCE in text
    assert "その期限は令和7年12月8日(2025年)です。" in text
    last = compact(read.pages[-1])
    assert "処分庁令和7年12月1日(2025年)法務大臣" in last
    assert "印" in last
    assert "Sato" not in text and "Suzuki" not in text  # the officers are not named
    assert "transliterated" not in read.metadata.get("Subject", "")
    assert not read.overflow


def test_notice_of_recognition_says_no_review_applies(japanese_font: str) -> None:
    read = Read(notice_pdf(notice_ja(outcome="RECOGNISED_REFUGEE", review_deadline=None),
                              "ja"))
    text = read.compact
    assert "難民の認定の通知書" in text
    assert "難民と認定する(難民認定)。" in text.replace("（", "(").replace("）", ")")
    assert "この処分は、審査請求の対象となりません。" in text
    assert "7日以内" not in text and "期限" not in text


@pytest.mark.parametrize(
    ("application", "outcome", "title", "decision"),
    [
        ("COMPLEMENTARY", "RECOGNISED_CP", "補完的保護対象者の認定の通知書",
         "補完的保護対象者と認定する。"),
        ("COMPLEMENTARY", "NOT_RECOGNISED", "補完的保護対象者の認定をしない処分の通知書",
         "補完的保護対象者の認定をしない"),
        ("REFUGEE", "RECOGNISED_CP", "難民の認定をしない処分及び補完的保護対象者の認定の通知書",
         "難民の認定をしない。補完的保護対象者と認定する。"),
        ("REFUGEE", "NOT_RECOGNISED_HUMANITARIAN_STAY", "難民の認定をしない処分の通知書",
         "人道配慮による在留許可をする。"),
    ],
)
def test_notice_variants_are_titled_and_decided_by_application_and_outcome(
    japanese_font: str, application: str, outcome: str, title: str, decision: str
) -> None:
    doc = notice_ja(application_type=application, outcome=outcome, humanitarian_permission=True)
    text = Read(notice_pdf(doc, "ja")).compact
    assert title in text
    assert decision in text
    assert "人道配慮による在留許可" in text
    kind = "補完的保護対象者認定申請" if application == "COMPLEMENTARY" else "難民認定申請"
    assert f"申請の種類{kind}" in text


def test_superseded_notice_is_flagged_in_japanese(japanese_font: str) -> None:
    read = Read(notice_pdf(notice_ja(superseded_note="この処分は、同じ案件の後の処分により"
                                                        "差し替えられました。")))
    assert all("差替済み" in page for page in read.pages)
    first = compact(read.pages[0])
    assert first.index("差替済み：この処分は") < first.index("処分の内容")


def test_notice_in_english_on_request_keeps_the_english_dates(japanese_font: str) -> None:
    text = Read(notice_pdf(notice_ja(), "en")).text
    assert "Notice of decision" in text
    assert "within 7 days of the date of this notice (2025-12-01), that is, by 2025-12-08" in text
    assert "令和" not in text and "法務大臣" not in text


# --- interview record ----------------------------------------------------------------------------


SESSIONS_JA = (
    SessionLine(1, date(2025, 11, 4), "09:30", "12:00", "東京出入国在留管理局 面接室4",
                   "ベトナム語", "Tran Van Minh", "申請者、難民調査官、通訳人", "10:45-11:00"),
)


def record_ja(**changes: object) -> InterviewRecordDoc:
    return record(**{
        "language": "ja",
        "sessions": SESSIONS_JA,
        "answers": (AnswerLine("冒頭", "通訳人の言葉は理解できますか。", "はい、理解できます。"),
                    AnswerLine("過去の被害", "なぜ本国を出国したのですか。",
                                  "抗議活動の後、警察に2回逮捕されたからです。")),
        "inconsistencies": (InconsistencyLine("申請書では最初の逮捕は2021年6月とされている。",
                                                 "旧暦と新暦を取り違えました。", 1),),
        "applicant": "グエン・ティ・ラン",
        "inquirer": "佐藤 花子",
        "produced_at": datetime(2025, 11, 4, 15, 30),
        **changes,
    })


def test_interview_record_in_japanese_is_a_kyojutsu_chosho(japanese_font: str) -> None:
    read = Read(interview_record_pdf(record_ja()))  # the language it was taken in
    text = read.compact
    assert all("供述調書" in page and "案件番号 R-2024-000123" in page for page in read.pages)
    assert "申請者グエン・ティ・ラン" in text
    assert "難民調査官佐藤花子" in text
    assert "調書作成日時令和7年11月4日(2025年)15:30" in text
    sessions = next(t for t in read.tables if t[0][:3] == ["回", "日付", "開始"])
    assert sessions[0] == ["回", "日付", "開始", "終了", "場所", "言語", "通訳人", "立会人", "休憩"]
    assert compact(sessions[1][1]) == "令和7年11月4日(2025年)"
    assert compact(sessions[1][7]) == "申請者、難民調査官、通訳人"
    assert "2.問答" in text
    assert "問通訳人の言葉は理解できますか。" in text and "答はい、理解できます。" in text
    assert "確認した面接第1回面接" in text
    assert ("以上のとおり録取し、通訳人TranVanMinhの通訳によりベトナム語で申請者に読み聞かせた"
            "ところ、申請者は内容に誤りがない旨を申し立て、署名した。") in text
    last = read.pages[-1]
    for label in ("供述人（申請者）", "通訳人", "難民調査官"):
        assert re.search(rf"^{label}$", last, re.M), f"no signature line for {label}"
    assert last.count("署名") >= 3 + 1  # three signature lines and the statement's 署名した
    assert len(re.findall(r"日付", last)) >= 3
    assert not read.overflow


def test_interview_record_not_read_back_says_so_in_japanese(japanese_font: str) -> None:
    doc = record_ja(read_back_confirmed=False, read_back_note="", read_back_language="")
    text = Read(interview_record_pdf(doc)).compact
    assert "本調書は、申請者に読み聞かせていない。その理由は記録されていない。" in text
    assert "以上のとおり録取し" not in text


def test_interview_record_prints_in_the_language_asked_for(japanese_font: str) -> None:
    english = Read(interview_record_pdf(record_ja(), "en")).text
    assert "Record of interview" in english and "供述調書" not in english
    assert "2025-11-04" in english
    japanese = Read(interview_record_pdf(record(answers=ANSWERS[:1]), "ja")).compact
    assert "供述調書" in japanese and "Record of interview" not in japanese


# --- preparation sheet ---------------------------------------------------------------------------


def test_preparation_sheet_follows_the_interface_language(
    japanese_font: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(preparation_sheet, "current_language", lambda: "ja")
    doc = replace(sheet(), produced_at=datetime(2025, 12, 7, 9, 0))
    read = Read(preparation_sheet_pdf(doc))
    text = read.compact
    assert all("面接準備票" in page for page in read.pages)
    assert "難民調査官の内部作業文書" in text
    assert "作成日時令和7年12月7日(2025年)09:00" in text
    for heading in ("1.申請者の申立て", "2.トリアージで注目された文", "4.リスク・プロファイル",
                    "5.質問事項", "6.出身国情報"):
        assert heading in text
    flagged = next(t for t in read.tables if t[0] == ["文", "手がかり"])
    assert len(flagged) == 1 + len(doc.highlighted)
    assert "留意点：Askforthedate,theplaceandwhotookpart." in text
    english = Read(preparation_sheet_pdf(doc, "en")).text
    assert "Interview preparation sheet" in english and "面接準備票" not in english


def test_no_line_starts_with_a_closing_mark(japanese_font: str) -> None:
    # Sentences of every length up to two lines, so that some 。、」 fall where a line breaks.
    reasons = "".join(f"申請者は{'本国' * (k % 23)}で逮捕された、と「{k}回」述べた。"
                      for k in range(1, 60))
    read = Read(notice_pdf(notice_ja(reasons=reasons)))
    # Each page without its header and footer line: the text runs on, nothing lost.
    lines = [line.strip() for page in read.pages for line in page.splitlines()[1:-1]]
    assert compact(reasons) in compact("".join(lines))
    starts = [line for line in lines if line[:1] in "、。」）"]
    assert starts == []
    assert not read.overflow


def test_the_addressee_shows_the_reading_and_the_kanji_name(japanese_font: str) -> None:
    doc = notice_ja(applicant="WANG Wei", applicant_kana="ワン・ウェイ", applicant_kanji="王偉")
    text = Read(notice_pdf(doc)).compact
    assert "申請者WANGWeiフリガナワン・ウェイ漢字氏名王偉生年月日" in text
    english = Read(notice_pdf(doc, "en")).text
    assert "Name (katakana) ワン・ウェイ" in english and "Name (kanji) 王偉" in english
