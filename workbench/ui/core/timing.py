"""How long the server takes for each script run, written to a file when the setting
``run_timing_log`` is on (the load benchmark reads it): the server's share of a page's time,
apart from the network and the browser's own work. Off by default; no personal data, only
the time, the duration and whether the run ended early for a rerun or a page switch."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from workbench.core.settings import get_settings


@contextmanager
def timed_run() -> Iterator[None]:
    path = get_settings().run_timing_log
    if path is None:
        yield
        return
    started = time.perf_counter()
    outcome = "done"
    try:
        yield
    except BaseException:  # st.rerun, st.switch_page and st.stop end a run by raising
        outcome = "cut"
        raise
    finally:
        line = f"{time.time():.3f} {time.perf_counter() - started:.4f} {outcome}\n"
        with open(path, "a", encoding="ascii") as log:
            log.write(line)
