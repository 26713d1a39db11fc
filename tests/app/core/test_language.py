"""The language a user reads the workbench in: their own choice, kept on the account, then the
office setting, then the browser's language."""

from __future__ import annotations

import json

from sqlalchemy import select

from models import AuditEvent, User
from tests.app.conftest import new_app, signed_in
from tests.conftest import PASSWORD
from workbench.core.db import unit_of_work
from workbench.core.i18n import catalogue, choose_language, from_locale
from workbench.core.settings import get_settings

JA_HEADING = catalogue("ja")["sign_in.heading"]
EN_HEADING = catalogue("en")["sign_in.heading"]


def _switch(at, code: str):  # noqa: ANN001, ANN202
    box = next(s for s in at.sidebar.selectbox if s.label == catalogue("en")["app.language"]
               or s.label == catalogue("ja")["app.language"])
    return box.set_value(code).run()


def test_the_office_setting_gives_a_japanese_sign_in_page(app_db, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "ja")
    get_settings.cache_clear()
    at = new_app().run()
    assert at.title[0].value == JA_HEADING
    assert at.button[0].label == catalogue("ja")["sign_in.submit"]


def test_without_a_setting_the_page_is_english(app_db) -> None:  # noqa: ANN001
    at = new_app().run()
    assert at.title[0].value == EN_HEADING


def test_a_choice_on_the_sign_in_page_holds_after_signing_in(app_db) -> None:  # noqa: ANN001
    at = _switch(new_app().run(), "ja")
    assert at.title[0].value == JA_HEADING
    at.text_input[0].input("inq.one")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    shown = "\n".join(str(m.value) for m in at.sidebar.markdown)
    assert catalogue("ja")["role.inquirer"] in shown


def test_a_signed_in_users_choice_is_kept_on_the_account(app_db, monkeypatch) -> None:  # noqa: ANN001
    engine, _ = app_db
    at = signed_in("inq.one")
    at = _switch(at, "ja")
    assert not at.exception
    with unit_of_work(engine) as session:
        user = session.execute(select(User).where(User.username == "inq.one")).scalar_one()
        assert user.language == "ja"
        events = session.execute(select(AuditEvent).where(
            AuditEvent.action == "user.language")).scalars().all()
        assert [json.loads(e.details) for e in events] == [{"from": None, "to": "ja"}]
    # Another browser, an English office: the user's own choice wins.
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "en")
    get_settings.cache_clear()
    again = signed_in("inq.one")
    shown = "\n".join(str(m.value) for m in again.sidebar.markdown)
    assert catalogue("ja")["role.inquirer"] in shown
    # Someone else in the same office reads English.
    other = signed_in("mgr.one")
    shown = "\n".join(str(m.value) for m in other.sidebar.markdown)
    assert catalogue("en")["role.manager"] in shown


def test_browser_locales_map_to_the_languages_spoken(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("WORKBENCH_LANGUAGE", raising=False)
    get_settings.cache_clear()
    assert from_locale("ja-JP") == "ja"
    assert from_locale("ja") == "ja"
    assert from_locale("en-GB") == "en"
    assert from_locale("fr-FR") is None
    assert from_locale(None) is None
    # user's choice, then the pre-sign-in choice, then the office, then the browser
    assert choose_language(None, None, None, from_locale("ja-JP")) == "ja"
    assert choose_language("en", None, None, "ja") == "en"
    assert choose_language(None, None, None, from_locale("fr-FR")) == "en"
    get_settings.cache_clear()
