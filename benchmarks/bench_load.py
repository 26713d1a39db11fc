"""Many users at once: real browser sessions against ``streamlit run`` on the demo data.

    .venv/bin/python benchmarks/bench_load.py --users 25 --duration 300
    scripts/with-postgres.sh .venv/bin/python benchmarks/bench_load.py --users 25 \
        --database postgresql --processes 2

Builds a demo database the way ``make run`` does (``workbench db upgrade`` and ``workbench
demo load``; SQLite in a temporary folder, or a fresh database in the PostgreSQL cluster of
``WORKBENCH_TEST_POSTGRES_URL`` as scripts/with-postgres.sh provides), starts the app with the
browser tests' starter (tests/e2e/streamlit_server.py), one process or two behind nginx
(deploy/nginx-workbench.conf), then drives ``--users`` browser contexts of one headless
Chromium (async Playwright): all sign in at once, then each opens a page of its role from the
sidebar menu or a case by its address, waits until the app is idle, thinks 2-5 s and goes on,
for ``--duration`` seconds after its own sign-in.
Meanwhile a thread asks every process's ``/_stcore/health`` every 0.5 s, a newcomer signs in
every 30 s in a fresh context, and the server's memory is read every 5 s. After the load: one
health check and one sign-in, timed, then SIGTERM and the time the server took to stop.

Prints one table row (markdown) and writes the full figures as JSON (``--json``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import machine  # noqa: E402
from tests.e2e.streamlit_server import (  # noqa: E402
    RunningServer,
    free_port,
    healthy,
    streamlit_server,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
NGINX = "/usr/sbin/nginx"
NGINX_CONF = ROOT / "deploy" / "nginx-workbench.conf"
BIN = Path(sys.executable).parent
VIEWPORT = {"width": 1280, "height": 900}
#: The accounts the users cycle through: every inquirer, manager and counsellor.
ACCOUNTS = ([f"inquirer{i}" for i in range(1, 7)] + ["manager1", "manager2"]
            + [f"counsellor{i}" for i in range(1, 7)])
PAGE_TIMEOUT_S = 60
HEALTH_EVERY_S = 0.5
HEALTH_TIMEOUT_S = 5
RSS_EVERY_S = 5
NEWCOMER_EVERY_S = 30

#: Records every change of the app's script state and every message the server sends on the
#: app's websocket, with the page's clock: the time of a page runs from the click to the end of
#: the script runs it caused. (A busy browser may handle a run's first and last messages
#: before it draws, so the "running" state alone can be missed.)
STATE_RECORDER = """
window.__wbStates = [];
window.__wbMessages = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = function (...args) {
  const socket = new NativeWebSocket(...args);
  socket.addEventListener('message', () => window.__wbMessages.push(performance.now()));
  return socket;
};
window.WebSocket.prototype = NativeWebSocket.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
new MutationObserver(records => {
  for (const r of records) {
    if (r.attributeName === 'data-test-script-state') {
      window.__wbStates.push([r.target.getAttribute('data-test-script-state'),
                              performance.now()]);
    }
  }
}).observe(document, {attributes: true, subtree: true,
                      attributeFilter: ['data-test-script-state']});
"""
#: True when the server answered after ``since`` and the app has been idle for 150 ms since.
RUN_DONE = """
since => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const states = window.__wbStates.filter(e => e[1] >= since).map(e => e[1]);
  const messages = window.__wbMessages.filter(t => t >= since);
  if (!states.length && !messages.length) return false;
  return performance.now() - Math.max(...states, ...messages) >= 150;
}
"""


def demo_password(username: str) -> str:
    return f"{username}-demo-pass"


# --- database ----------------------------------------------------------------------------------


def _workbench(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([str(BIN / "workbench"), *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


@contextmanager
def demo_database(kind: str, cases: int, directory: Path) -> Iterator[str]:
    """The URL of a fresh demo database (``workbench db upgrade`` + ``workbench demo load``,
    as ``make run`` does), dropped afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{directory / 'workbench.core.db'}"
        drop = None
    else:
        admin_url = os.environ.get("WORKBENCH_TEST_POSTGRES_URL")
        if not admin_url:
            raise SystemExit("--database postgresql needs WORKBENCH_TEST_POSTGRES_URL: run "
                             "under scripts/with-postgres.sh")
        from sqlalchemy import create_engine, text

        name = f"wb_load_{os.getpid()}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"

        def drop() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    env = {**os.environ, "WORKBENCH_DATABASE_URL": url, "WORKBENCH_DATA_DIR": str(directory)}
    started = time.perf_counter()
    _workbench(["db", "upgrade"], env)
    _workbench(["demo", "load", "--cases", str(cases), "--seed", "2024"], env)
    print(f"demo database ({kind}, {cases:,} cases) ready in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    try:
        yield url
    finally:
        if drop is not None:
            drop()


def case_ids(url: str) -> dict[str, list[int]]:
    """Case ids each user may open by address: an inquirer's own cases, any case for a
    manager (counsellors open cases from their appeals, so none here)."""
    from sqlalchemy import select

    from models import Application, User
    from workbench.core.db import make_engine, unit_of_work

    engine = make_engine(url)
    found: dict[str, list[int]] = {}
    with unit_of_work(engine, write=False) as session:
        users = dict(session.execute(select(User.username, User.id)).all())
        everyone = list(session.execute(select(Application.id).order_by(Application.id)
                                        .limit(500)).scalars())
        for name in ACCOUNTS:
            if name.startswith("inquirer"):
                found[name] = list(session.execute(
                    select(Application.id).where(
                        Application.assigned_inquirer_id == users[name]).limit(200)).scalars())
            elif name.startswith("manager"):
                found[name] = everyone
    engine.dispose()
    return found


# --- servers -----------------------------------------------------------------------------------


@contextmanager
def nginx_proxy(backends: list[RunningServer], directory: Path) -> Iterator[str]:
    """nginx on a free port with deploy/nginx-workbench.conf, its upstreams replaced by
    ``backends``."""
    if not Path(NGINX).exists():
        raise SystemExit(f"{NGINX} is missing: apt-get install nginx-light")
    port = free_port()
    site = NGINX_CONF.read_text()
    site = re.sub(r"^\s*server 127\.0\.0\.1:\d+ max_fails=0;\n", "", site, flags=re.M)
    servers = "".join(f"    server 127.0.0.1:{b.port} max_fails=0;\n" for b in backends)
    site = site.replace("    keepalive 16;\n", servers + "    keepalive 16;\n")
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    (directory / "workbench.conf").write_text(site)
    (directory / "nginx.conf").write_text(
        f"daemon off;\nworker_processes 1;\npid {directory}/nginx.pid;\n"
        f"error_log {directory}/nginx-error.log warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n  access_log off;\n"
        f"  client_body_temp_path {directory}/body;\n  proxy_temp_path {directory}/proxy;\n"
        f"  include {directory}/workbench.conf;\n}}\n")
    process = subprocess.Popen([NGINX, "-c", str(directory / "nginx.conf"), "-p",
                                str(directory)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while not healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("nginx did not start: "
                                 + (directory / "nginx-error.log").read_text(errors="replace"))
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- probes ------------------------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children, in MB."""
    total = 0
    for each in _descendants(pid):
        try:
            with open(f"/proc/{each}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of ``pids`` and their children (living ones), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in {p for root in pids for p in _descendants(root)}:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            continue
    return total


@dataclass
class Probe:
    """Health of every process and the servers' memory, sampled from a thread."""

    urls: list[str]
    pids: list[int]
    started: float = field(default_factory=time.monotonic)
    longest_silence_s: float = 0.0
    health_failures: int = 0
    health_latencies: list[float] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        last_ok = {url: time.monotonic() for url in self.urls}
        next_rss = 0.0
        while not self._stop.is_set():
            for url in self.urls:
                asked = time.monotonic()
                ok = healthy(url, timeout=HEALTH_TIMEOUT_S)
                now = time.monotonic()
                if ok:
                    self.health_latencies.append(now - asked)
                    last_ok[url] = now
                else:
                    self.health_failures += 1
                self.longest_silence_s = max(self.longest_silence_s, now - last_ok[url])
            if time.monotonic() >= next_rss:
                self.rss.append((time.monotonic() - self.started,
                                 sum(rss_mb(pid) for pid in self.pids)))
                next_rss = time.monotonic() + RSS_EVERY_S
            self._stop.wait(HEALTH_EVERY_S)

    def stop(self) -> None:
        self._stop.set()

    def rss_at(self, seconds: float) -> float:
        after = [mb for at, mb in self.rss if at >= seconds]
        return after[0] if after else (self.rss[-1][1] if self.rss else 0.0)


# --- browser users -----------------------------------------------------------------------------


@dataclass
class Figures:
    page_times: list[float] = field(default_factory=list)
    page_names: list[str] = field(default_factory=list)
    sign_in_times: list[float] = field(default_factory=list)
    newcomer_times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


#: The app's state and the script states seen since ``since``, to explain a timeout.
APP_STATE = """
since => {
  const app = document.querySelector("[data-testid='stApp']");
  return JSON.stringify({
    connection: app && app.getAttribute('data-test-connection-state'),
    script: app && app.getAttribute('data-test-script-state'),
    url: location.pathname + location.search,
    seen: window.__wbStates.filter(e => e[1] >= since).map(e => [e[0], Math.round(e[1] - since)]),
    messages: window.__wbMessages.filter(t => t >= since).length
  });
}
"""


async def wait_run(page, since: float, timeout_s: float = PAGE_TIMEOUT_S) -> None:  # noqa: ANN001
    """Wait until a script run started after ``since`` (page clock) has ended; a timeout
    says what the app was doing."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.wait_for_function(RUN_DONE, arg=since, timeout=timeout_s * 1000,
                                     polling=50)
    except PlaywrightTimeout:
        state = await page.evaluate(APP_STATE, since)
        raise TimeoutError(f"no finished run within {timeout_s:.0f} s: {state}") from None


async def check_page(page, what: str, figures: Figures) -> None:  # noqa: ANN001
    """Count an exception shown by the app as an error."""
    shown = await page.locator("[data-testid='stException']").count()
    if shown:
        text = (await page.locator("[data-testid='stException']").first.inner_text())[:200]
        figures.errors.append(f"{what}: exception shown: {text!r}")


async def sign_in(context, base_url: str, username: str) -> tuple[object, float]:  # noqa: ANN001
    """Open the app, sign in and wait for the menu; returns the page and the seconds from
    opening the address to the menu."""
    page = await context.new_page()
    started = time.monotonic()
    await page.goto(base_url, timeout=PAGE_TIMEOUT_S * 1000)
    await page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']"
        "[data-test-connection-state='CONNECTED']", state="attached",
        timeout=PAGE_TIMEOUT_S * 1000)
    await page.get_by_role("textbox", name="User name").fill(username)
    await page.get_by_role("textbox", name="Password").fill(demo_password(username))
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_test_id("stSidebarNav").wait_for(state="visible",
                                                       timeout=PAGE_TIMEOUT_S * 1000)
    await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                                 state="attached", timeout=PAGE_TIMEOUT_S * 1000)
    return page, time.monotonic() - started


async def user(number: int, browser, base_url: str, duration: float,  # noqa: ANN001
               cases: dict[str, list[int]], figures: Figures, seed: int) -> None:
    """One user: sign in, then pages of the role for ``duration`` seconds."""
    username = ACCOUNTS[number % len(ACCOUNTS)]
    rng = random.Random(seed * 1000 + number)
    context = await browser.new_context(viewport=VIEWPORT, locale="en-GB",
                                        timezone_id="Asia/Tokyo")
    await context.add_init_script(STATE_RECORDER)
    try:
        try:
            page, took = await sign_in(context, base_url, username)
        except Exception as exc:  # noqa: BLE001 - a failed sign-in is a measured error
            figures.errors.append(f"{username}: sign-in failed: {type(exc).__name__}: "
                                  f"{str(exc).splitlines()[0][:160]}")
            return
        figures.sign_in_times.append(took)
        until = time.monotonic() + duration
        links = page.get_by_test_id("stSidebarNav").get_by_role("link")
        names = [name for name in await links.all_inner_texts() if "Sign out" not in name]
        own_cases = cases.get(username, [])
        current = None
        while time.monotonic() < until:
            await asyncio.sleep(rng.uniform(2, 5))
            if time.monotonic() >= until:
                break
            since = await page.evaluate("performance.now()")
            started = time.monotonic()
            try:
                if own_cases and rng.random() < 0.3:
                    what = "case file"
                    path = f"/case?case={rng.choice(own_cases)}"
                    await page.evaluate(
                        "path => { window.history.pushState({}, '', path);"
                        " window.dispatchEvent(new PopStateEvent('popstate')); }", path)
                else:
                    what = rng.choice([n for n in names if n != current] or names)
                    await page.get_by_test_id("stSidebarNav").get_by_role(
                        "link", name=what, exact=True).click(timeout=PAGE_TIMEOUT_S * 1000)
                await wait_run(page, since)
            except Exception as exc:  # noqa: BLE001 - measured, then the user goes on
                figures.errors.append(f"{username} -> {what}: {type(exc).__name__}: "
                                      f"{str(exc).splitlines()[0][:160]}")
                continue
            figures.page_times.append(time.monotonic() - started)
            figures.page_names.append(what)
            current = what
            await check_page(page, f"{username} -> {what}", figures)
    finally:
        await context.close()


async def newcomer(browser, base_url: str, username: str) -> float:  # noqa: ANN001
    """Seconds a fresh browser takes from opening the address to the signed-in menu."""
    context = await browser.new_context(viewport=VIEWPORT, locale="en-GB",
                                        timezone_id="Asia/Tokyo")
    try:
        _, took = await sign_in(context, base_url, username)
        return took
    finally:
        await context.close()


async def newcomers(browser, base_url: str, done: asyncio.Event,  # noqa: ANN001
                    figures: Figures) -> None:
    """A newcomer every ``NEWCOMER_EVERY_S`` seconds, the first 5 s into the load, until the
    users are ``done``."""
    number = 0
    next_at = time.monotonic() + 5
    while True:
        try:
            await asyncio.wait_for(done.wait(), max(0.0, next_at - time.monotonic()))
            return
        except TimeoutError:
            pass
        username = ACCOUNTS[number % len(ACCOUNTS)]
        started = time.monotonic()
        try:
            figures.newcomer_times.append(await newcomer(browser, base_url, username))
        except Exception as exc:  # noqa: BLE001 - measured
            figures.newcomer_times.append(time.monotonic() - started)
            figures.errors.append(f"newcomer {username}: {type(exc).__name__}: "
                                  f"{str(exc).splitlines()[0][:160]}")
        number += 1
        next_at += NEWCOMER_EVERY_S


async def idle_reference(browser, base_url: str) -> float:  # noqa: ANN001
    """Median time of a page (My cases, then COI library, alternately) for one user alone: the
    reference the loaded figures are compared with on this shared machine."""
    context = await browser.new_context(viewport=VIEWPORT, locale="en-GB",
                                        timezone_id="Asia/Tokyo")
    await context.add_init_script(STATE_RECORDER)
    try:
        page, _ = await sign_in(context, base_url, "inquirer1")
        times = []
        for name in ["COI library", "My cases"] * 3:
            since = await page.evaluate("performance.now()")
            started = time.monotonic()
            await page.get_by_test_id("stSidebarNav").get_by_role(
                "link", name=name, exact=True).click()
            await wait_run(page, since)
            times.append(time.monotonic() - started)
        return statistics.median(times)
    finally:
        await context.close()


async def drive(base_url: str, users: int, duration: float, cases: dict[str, list[int]],
                seed: int) -> dict:
    from playwright.async_api import async_playwright

    figures = Figures()
    profile = tempfile.mkdtemp(prefix="wb-load-chromium-")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            env={**os.environ, "HOME": profile})
        try:
            reference = await idle_reference(browser, base_url)
            print(f"idle reference page: {reference:.2f} s", flush=True)
            client_cpu_0 = cpu_seconds([os.getpid()])
            load_started = time.monotonic()
            done = asyncio.Event()

            async def all_users() -> None:
                await asyncio.gather(*(user(n, browser, base_url, duration, cases, figures,
                                            seed) for n in range(users)))
                done.set()

            await asyncio.gather(all_users(), newcomers(browser, base_url, done, figures))
            load_seconds = time.monotonic() - load_started
            client_cpu = cpu_seconds([os.getpid()]) - client_cpu_0
            # After the load: one health check and one sign-in, timed.
            asked = time.monotonic()
            after_ok = healthy(base_url, timeout=30)
            after_health = time.monotonic() - asked
            try:
                after_sign_in = await newcomer(browser, base_url, "inquirer2")
            except Exception as exc:  # noqa: BLE001 - measured
                after_sign_in = float("nan")
                figures.errors.append(f"after-load sign-in: {type(exc).__name__}")
        finally:
            await browser.close()
    shutil.rmtree(profile, ignore_errors=True)
    return {"figures": figures, "reference_s": reference, "load_seconds": load_seconds,
            "client_cpu_s": client_cpu, "after_health_s": after_health,
            "after_health_ok": after_ok, "after_sign_in_s": after_sign_in}


def run_load(base_url: str, *, users: int, duration: float, health_urls: list[str],
             pids: list[int], cases: dict[str, list[int]] | None = None,
             seed: int = 1) -> tuple[dict, Probe]:
    """The load on ``base_url`` with the health and memory probe running beside it. The
    browsers are driven from a thread of their own, so that this can be called from code that
    already runs an event loop (a test beside Playwright's sync API)."""
    probe = Probe(urls=health_urls, pids=pids)
    prober = threading.Thread(target=probe.run, name="probe", daemon=True)
    outcome: dict = {}

    def load() -> None:
        try:
            outcome["result"] = asyncio.run(drive(base_url, users, duration, cases or {}, seed))
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            outcome["error"] = exc

    driver = threading.Thread(target=load, name="load")
    prober.start()
    try:
        driver.start()
        driver.join()
    finally:
        probe.stop()
        prober.join(timeout=10)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"], probe


# --- report ------------------------------------------------------------------------------------


def script_runs(paths: list[Path]) -> list[float]:
    """Durations of the app's script runs that ran to the end, from the servers' run logs
    (``WORKBENCH_RUN_TIMING_LOG``; runs cut short by a rerun or page switch left out)."""
    durations: list[float] = []
    for path in paths:
        if path.exists():
            for line in path.read_text(encoding="ascii").splitlines():
                _, seconds, outcome = line.split()
                if outcome == "done":
                    durations.append(float(seconds))
    return durations


def percentile(samples: list[float], share: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def log_counts(servers: list[RunningServer]) -> dict[str, int]:
    counts = {"tracebacks": 0, "database is locked": 0}
    for server in servers:
        text = server.log_path.read_text(errors="replace")
        counts["tracebacks"] += text.count("Traceback")
        counts["database is locked"] += text.count("database is locked")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60,
                        help="seconds each user moves between pages after signing in")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--cases", type=int, default=3000, help="demo cases (make run: 3000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the full figures here")
    parser.add_argument("--keep-logs", type=Path, help="copy the server logs into this folder")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="environment of the app processes, e.g. "
                             "STREAMLIT_RUNNER_POST_SCRIPT_GC=false to compare a setting")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: scripts/ensure-chromium.sh")
    if args.processes == 2 and args.database == "sqlite":
        print("note: two processes on one SQLite file (the README advises PostgreSQL)")

    directory = Path(tempfile.mkdtemp(prefix="wb-load-"))
    print(f"machine: {machine()}; load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    with ExitStack() as stack:
        url = stack.enter_context(demo_database(args.database, args.cases, directory))
        cases = case_ids(url)
        server_env = {"STREAMLIT_SERVER_COOKIE_SECRET": os.urandom(16).hex(),
                      **dict(item.split("=", 1) for item in args.server_env)}
        run_logs = [directory / f"runs-{n}.log" for n in range(args.processes)]
        servers = [stack.enter_context(streamlit_server(
            url, directory, directory / f"streamlit-{n}.log",
            extra_env={**server_env, "WORKBENCH_RUN_TIMING_LOG": str(run_logs[n])}))
            for n in range(args.processes)]
        base_url = (stack.enter_context(nginx_proxy(servers, directory))
                    if args.processes == 2 else servers[0].url)
        server_cpu_0 = [cpu_seconds([s.pid]) for s in servers]
        result, probe = run_load(base_url, users=args.users, duration=args.duration,
                                 health_urls=[s.url for s in servers],
                                 pids=[s.pid for s in servers], cases=cases, seed=args.seed)
        # Per process: with two, both should have worked (the proxy spreads the browsers).
        server_cpus = [cpu_seconds([s.pid]) - before
                       for s, before in zip(servers, server_cpu_0, strict=True)]
        server_cpu = sum(server_cpus)

        rss_1min, rss_end = probe.rss_at(60), probe.rss[-1][1] if probe.rss else 0.0
        runs = script_runs(run_logs)
        logs = log_counts(servers)
        if args.keep_logs:
            args.keep_logs.mkdir(parents=True, exist_ok=True)
            for server in servers:
                shutil.copy(server.log_path, args.keep_logs / server.log_path.name)
        stack.close()  # stop the servers (SIGTERM), drop the database
        stops = [(s.stopped_in_s, s.killed) for s in servers]
    shutil.rmtree(directory, ignore_errors=True)

    figures: Figures = result["figures"]
    pages = figures.page_times
    seconds = result["load_seconds"]
    row = {
        "users": args.users, "database": args.database, "processes": args.processes,
        "duration_s": round(seconds), "pages": len(pages), "errors": len(figures.errors),
        "page_p50_s": percentile(pages, 0.5), "page_p95_s": percentile(pages, 0.95),
        "page_max_s": max(pages) if pages else float("nan"),
        "reference_s": result["reference_s"],
        "sign_in_p95_s": percentile(figures.sign_in_times, 0.95),
        "sign_ins": len(figures.sign_in_times),
        "health_silence_s": probe.longest_silence_s,
        "health_failures": probe.health_failures,
        "newcomer_max_s": max(figures.newcomer_times) if figures.newcomer_times else None,
        "newcomers": len(figures.newcomer_times),
        "rss_1min_mb": rss_1min, "rss_end_mb": rss_end,
        "after_health_s": result["after_health_s"], "after_sign_in_s": result["after_sign_in_s"],
        "stop_s": [s for s, _ in stops], "killed": any(k for _, k in stops),
        "server_cpu_pct": 100 * server_cpu / seconds,
        "client_cpu_pct": 100 * result["client_cpu_s"] / seconds,
        "log": logs,
        "server_runs": len(runs),
        "server_run_p50_s": percentile(runs, 0.5), "server_run_p95_s": percentile(runs, 0.95),
        "server_run_max_s": max(runs) if runs else float("nan"),
    }
    print()
    print("| users | db | processes | seconds | pages | errors | page p50 / p95 / max (s) "
          "| idle page (s) | p95 / idle | sign-in p95 (s) | health longest silence (s) "
          "| newcomer max (s) | RSS 1 min / end (MB) | after-load health / sign-in (s) "
          "| server CPU | client CPU | stop after SIGTERM (s) |")
    print("|" + "---|" * 17)
    newcomer_max = row["newcomer_max_s"]
    print(f"| {args.users} | {args.database} | {args.processes} | {row['duration_s']} "
          f"| {len(pages)} | {len(figures.errors)} "
          f"| {row['page_p50_s']:.2f} / {row['page_p95_s']:.2f} / {row['page_max_s']:.2f} "
          f"| {row['reference_s']:.2f} | {row['page_p95_s'] / row['reference_s']:.1f} "
          f"| {row['sign_in_p95_s']:.1f} | {row['health_silence_s']:.1f} "
          f"| {newcomer_max if newcomer_max is None else f'{newcomer_max:.1f}'} "
          f"| {rss_1min:.0f} / {rss_end:.0f} "
          f"| {row['after_health_s']:.2f} / {row['after_sign_in_s']:.1f} "
          f"| {row['server_cpu_pct']:.0f}% | {row['client_cpu_pct']:.0f}% "
          f"| {', '.join(f'{s:.1f}' + (' (killed)' if k else '') for s, k in stops)} |")
    print(f"server script runs (the server's own time for a page, apart from the network and "
          f"the browser): {len(runs)} runs, p50 {row['server_run_p50_s']:.3f} s, p95 "
          f"{row['server_run_p95_s']:.3f} s, max {row['server_run_max_s']:.3f} s")
    print(f"server CPU seconds per process: {', '.join(f'{c:.0f}' for c in server_cpus)}; "
          f"server log: {logs}; health failures: {probe.health_failures}; "
          f"load average at end: {os.getloadavg()[0]:.2f}")
    for error in figures.errors[:15]:
        print(f"  error: {error}")
    if args.json:
        args.json.write_text(json.dumps(
            {**row, "page_times": pages, "page_names": figures.page_names,
             "sign_in_times": figures.sign_in_times, "newcomer_times": figures.newcomer_times,
             "errors": figures.errors, "rss": probe.rss,
             "health_latency_max_s": max(probe.health_latencies, default=None)},
            indent=1))


if __name__ == "__main__":
    main()
