"""Start and stop the app with ``streamlit run``: shared by the browser tests (tests/e2e) and the
load benchmark (benchmarks/bench_load.py).

The helper knows nothing of pytest or of the workbench's modules: it takes the database URL and
data directory as given and reports a failure to start as ``ServerFailed``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 60
#: The script ``streamlit run`` serves: the web server with the session-cookie routes when
#: the checkout has it, else the app itself.
APP_SCRIPT = ("workbench/server.py" if (REPO_ROOT / "workbench" / "server.py").is_file()
              else "workbench/app.py")
#: How long a stopped server may take to exit after SIGTERM before it is killed.
STOP_TIMEOUT_S = 10


class ServerFailed(RuntimeError):
    """The server exited or did not answer its health check in time."""


@dataclass
class RunningServer:
    """A ``streamlit run`` process and what is known of its stop."""

    url: str
    port: int
    process: subprocess.Popen
    log_path: Path
    #: Seconds from SIGTERM to exit (set when stopped); None while running.
    stopped_in_s: float | None = None
    #: True when SIGTERM was not enough and the process had to be killed.
    killed: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after ``STOP_TIMEOUT_S``; records how the stop went."""
        if self.process.poll() is not None:
            return
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.killed = True
            self.process.kill()
            self.process.wait(timeout=10)
        self.stopped_in_s = time.monotonic() - started


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str, timeout: float = 2) -> bool:
    """True when ``GET {url}/_stcore/health`` answers ``ok`` within ``timeout`` seconds."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def streamlit_command(port: int, extra_args: Sequence[str] = ()) -> list[str]:
    """The ``streamlit run`` command line for the app on 127.0.0.1:``port``."""
    return [
        sys.executable, "-m", "streamlit", "run", APP_SCRIPT,
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        # Other work may edit the sources during a run: never reload the app mid-run.
        "--server.fileWatcherType", "none", "--server.runOnSave", "false",
        *extra_args,
    ]


@contextmanager
def streamlit_server(database_url: str, data_dir: Path, log_path: Path, *,
                     port: int | None = None, extra_env: dict[str, str] | None = None,
                     extra_args: Sequence[str] = (),
                     start_timeout: float = SERVER_START_TIMEOUT_S) -> Iterator[RunningServer]:
    """``streamlit run`` on ``port`` (default: a free one) against ``database_url``, waited
    for until healthy; stopped on exit (SIGTERM, then SIGKILL)."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "WORKBENCH_DATABASE_URL": database_url,
           "WORKBENCH_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(streamlit_command(port, extra_args), cwd=REPO_ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    server = RunningServer(url=url, port=port, process=process, log_path=log_path)
    try:
        deadline = time.monotonic() + start_timeout
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                why = (f"exited with status {process.returncode}" if process.returncode
                       is not None else f"did not answer within {start_timeout:.0f} s")
                raise ServerFailed(f"The Streamlit server {why}. Server log:\n"
                                   f"{log_path.read_text(errors='replace')}")
            time.sleep(0.2)
        yield server
    finally:
        server.stop()
