"""A short version of the load benchmark (benchmarks/bench_load.py): five users signed in at
once move between the pages of their roles for 20 seconds on an app process of its own. No
page may fail and the health endpoint may never be silent for more than 5 seconds. The
figures themselves (page times, memory) are measured by the benchmark, not asserted here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from benchmarks.bench_load import case_ids, run_load
from tests.e2e.conftest import E2EDatabase, serve_app

USERS = 5
DURATION_S = 20
MAX_HEALTH_SILENCE_S = 5


@pytest.fixture
def own_server(e2e_db: E2EDatabase, browser) -> Iterator[str]:  # noqa: ANN001
    """An app process for the load alone, so that no other test shares its sessions (the
    ``browser`` fixture skips or fails the test without Chromium)."""
    with serve_app(e2e_db, e2e_db.directory / "streamlit-load.log") as url:
        yield url


def test_five_users_for_twenty_seconds(own_server: str, e2e_db: E2EDatabase) -> None:
    result, probe = run_load(own_server, users=USERS, duration=DURATION_S,
                             health_urls=[own_server], pids=[], cases=case_ids(e2e_db.url))
    figures = result["figures"]
    assert figures.errors == []
    assert len(figures.sign_in_times) == USERS
    assert figures.page_times, "no page was served"
    assert probe.longest_silence_s <= MAX_HEALTH_SILENCE_S, probe.longest_silence_s
    assert result["after_health_ok"]
