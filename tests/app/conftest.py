"""AppTest fixtures: the app pointed at a migrated SQLite file with staff and cases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSWORD, _make_staff
from workbench.core.db import dispose_engines, make_engine
from workbench.core.settings import get_settings

APP = str(Path(__file__).resolve().parents[2] / "workbench" / "app.py")


@pytest.fixture
def app_db(sqlite_template, tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    path = tmp_path / "app.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    get_settings.cache_clear()
    dispose_engines()
    engine = make_engine(url)
    staff = _make_staff(engine)
    yield engine, staff
    engine.dispose()
    dispose_engines()
    get_settings.cache_clear()


def new_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=30)


def signed_in(username: str, password: str = PASSWORD) -> AppTest:
    at = new_app().run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at
