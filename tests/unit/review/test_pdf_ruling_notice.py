"""The notice of a ruling on a request for review (裁決書), read back with pdfplumber: in
Japanese by default (the ruling's main text, its reasons with the counsellors' opinion, the
instruction on an action in court, the Minister of Justice with the seal box and the era date)
and in English when asked; no officer or counsellor is named."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.unit.examination.test_pdf_documents import Read
from tests.unit.examination.test_pdf_documents_ja import compact, japanese_font  # noqa: F401 (fixture)
from workbench.review.documents.ruling_notice import RulingNoticeDoc, ruling_notice_pdf

GIST = ("申請者の供述は具体性を欠き、出身国情報とも整合しない。"
        "\n\n"
        "国内の他の地域への移転も可能である。")


def ruling(**changes: object) -> RulingNoticeDoc:
    doc = RulingNoticeDoc(
        case_number="R-2025-000123",
        applicant="NGUYEN Thi Lan",
        applicant_kana="グエン ティ ラン",
        nationality="Viet Nam",
        date_of_birth=date(1991, 7, 30),
        basis="NON_RECOGNITION",
        decision_outcome="NOT_RECOGNISED",
        application_type="REFUGEE",
        decision_notice_date=date(2025, 6, 3),
        decision_reference="R-2025-000123/D1",
        filed=date(2025, 6, 9),
        ruling="DISMISSED_MERITS",
        ruled_on=date(2025, 12, 5),
        gist=GIST,
        panel_well_founded=False,
        panel_unanimous=True,
        reference="R-2025-000123/R7",
    )
    return replace(doc, **changes)


def test_the_ruling_notice_is_japanese_by_default(japanese_font: str) -> None:  # noqa: F811
    read = Read(ruling_notice_pdf(ruling()))
    text = compact(read.text)
    assert text.startswith("裁決書")
    for expected in ("審査請求人（申請者）", "NGUYENThiLan", "グエンティラン",
                     "審査請求人が令和7年6月9日(2025年)に提起した審査請求について、次のとおり裁決する。",
                     "審査請求に係る処分",
                     "令和7年6月3日(2025年)付けで通知した処分（難民の認定をしない（不認定））",
                     "原処分の文書番号", "R-2025-000123/D1",
                     "審査請求日", "令和7年6月9日(2025年)",
                     "主文", "本件審査請求を棄却する。",
                     "本件審査請求には理由がない。原処分は維持される。",
                     "理由",
                     "難民審査参与員3名の意見を聴いたところ、全員一致で、"
                     "本件審査請求には理由がないとの意見であった。",
                     "難民審査参与員の意見の要旨", compact(GIST.replace("\n\n", "")),
                     "取消訴訟についての教示", "6か月以内に、国を被告として",
                     "裁決庁", "令和7年12月5日(2025年)", "法務大臣", "印",
                     "文書番号R-2025-000123/R7"):
        assert compact(expected) in text, expected
    assert read.overflow == []
    assert read.metadata.get("Title", "").startswith("裁決書")


@pytest.mark.parametrize(("ruling_code", "main", "court"), [
    ("GRANTED", "原処分を取り消す。", False),
    ("DISMISSED_INADMISSIBLE", "本件審査請求を却下する。", True),
])
def test_each_ruling_has_its_main_text(japanese_font: str,  # noqa: F811
                                       ruling_code: str, main: str, court: bool) -> None:
    text = compact(Read(ruling_notice_pdf(ruling(ruling=ruling_code))).text)
    assert main in text
    assert "本件審査請求を棄却する。" not in text
    # Nobody takes a granted request to court against the ruling: no instruction then.
    assert ("取消訴訟についての教示" in text) is court


def test_a_request_against_inaction_declares_it(japanese_font: str) -> None:  # noqa: F811
    text = compact(Read(ruling_notice_pdf(ruling(
        basis="INACTION", decision_outcome="", decision_notice_date=None,
        decision_reference="", ruling="GRANTED", panel_well_founded=True,
        panel_unanimous=False))).text)
    assert "難民認定申請についての不作為" in text
    assert "本件不作為が違法又は不当であることを宣言する。" in text
    assert "多数意見で、本件審査請求には理由があるとの意見であった。" in text
    assert "原処分の文書番号" not in text


def test_the_ruling_notice_in_english() -> None:
    read = Read(ruling_notice_pdf(ruling(gist="The account lacked detail."), "en"))
    text = read.text
    assert text.startswith("Ruling on administrative review")
    for expected in ("Requester (applicant)", "NGUYEN Thi Lan",
                     "Non-recognition of refugee status, notified on 2025-06-03",
                     "Request filed", "2025-06-09", "Date of ruling", "2025-12-05",
                     "The request is dismissed on the merits.",
                     "The request is not well founded: the decision under review stands.",
                     "who were unanimously of the opinion that the request was not well founded.",
                     "Gist of the counsellors' opinion", "The account lacked detail.",
                     "Action in court", "within six months",
                     "Issued by", "Minister of Justice", "Ruling reference R-2025-000123/R7"):
        assert expected in text, expected


def test_a_withdrawal_has_no_ruling_notice() -> None:
    with pytest.raises(ValueError):
        ruling_notice_pdf(ruling(ruling="WITHDRAWN"))
