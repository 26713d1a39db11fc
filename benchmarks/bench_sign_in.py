"""Sign-in under attack: other users' saves while guessers sign in, and how long refusals take.

    .venv/bin/python benchmarks/bench_sign_in.py --guessers 6 --duration 20

Saves: ``--guessers`` threads make wrong sign-ins without pause (a new unknown name and client
each time, so every attempt is checked with argon2) against a fresh, migrated SQLite file,
while the main thread saves every 50 ms (one write transaction with its audit event, as an
interview answer's save has). Reference in the same run: the same saves with no sign-ins.

Refusals: with one real and one unknown name each in a wait, attempts alternate between them
(``--refusals`` each, the clock held still so the wait does not run out); the median time of
each, and of a checked wrong password for reference.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import fresh_sqlite, machine, summarise  # noqa: E402
from models import Role, User  # noqa: E402
from workbench.core import audit, auth, clock  # noqa: E402
from workbench.core.actor import Actor  # noqa: E402
from workbench.core.db import unit_of_work  # noqa: E402
from workbench.core.errors import AuthenticationFailed, SignInThrottled  # noqa: E402

PASSWORD = "correct-horse-battery"


def _saves(engine, actor: Actor, seconds: float) -> tuple[list[float], int]:  # noqa: ANN001
    times, failed = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        try:
            with unit_of_work(engine) as session:
                audit.record(session, actor=actor, action="bench.save", entity_type="answer",
                             entity_id=1)
        except Exception:  # noqa: BLE001 - "database is locked" is what is measured
            failed += 1
        times.append(time.perf_counter() - start)
        time.sleep(0.05)
    return times, failed


def saves_under_guessing(engine, actor: Actor, guessers: int,  # noqa: ANN001
                         seconds: float) -> dict:
    baseline, _ = _saves(engine, actor, min(seconds, 5))
    stop = threading.Event()
    attempts = [0] * guessers

    def guess(number: int) -> None:
        while not stop.is_set():
            attempts[number] += 1
            try:
                auth.authenticate(f"guess{number}-{attempts[number]}", "wrong-password",
                                  engine=engine, client=f"10.{number}.{attempts[number] % 250}.1")
            except AuthenticationFailed:
                pass

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guessers)]
    for thread in threads:
        thread.start()
    try:
        loaded, failed = _saves(engine, actor, seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return {"baseline_ms": _ms(summarise(baseline)), "under_guessing_ms": _ms(summarise(loaded)),
            "failed_saves": failed, "sign_ins": sum(attempts)}


def _timed_failures(engine, names: tuple[str, ...], rounds: int,  # noqa: ANN001
                    expected: type[Exception]) -> dict[str, list[float]]:
    """Seconds of each wrong sign-in per name, ``rounds`` times in turn; each must fail with
    ``expected``."""
    times: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(rounds):
        for name in names:
            start = time.perf_counter()
            try:
                auth.authenticate(name, "wrong-password", engine=engine)
            except expected:
                pass
            times[name].append(time.perf_counter() - start)
    return times


def refusal_times(engine, rounds: int) -> dict:  # noqa: ANN001
    frozen = datetime(2024, 5, 1, 1, 0, tzinfo=UTC)
    original = clock.now_utc
    clock.now_utc = lambda: frozen
    try:
        names = ("bench.user", "nobody.here")
        checked = _timed_failures(engine, names, 5, AuthenticationFailed)
        refused = _timed_failures(engine, names, rounds, SignInThrottled)
    finally:
        clock.now_utc = original
    return {name: {"checked_ms": _ms(summarise(checked[name]))["median"],
                   "refused_ms": _ms(summarise(refused[name]))}
            for name in refused}


def _ms(summary: dict) -> dict:
    return {k: (round(v * 1000, 2) if k != "n" else v) for k, v in summary.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guessers", type=int, default=6)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--refusals", type=int, default=300)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    engine, _ = fresh_sqlite()
    with unit_of_work(engine) as session:
        user = User(username="bench.user", display_name="Bench User", role=Role.INQUIRER,
                    password_hash=auth.hash_password(PASSWORD))
        session.add(user)
        session.flush()
        actor = Actor(id=user.id, username=user.username, display_name=user.display_name,
                      role=Role.INQUIRER)
    results = {
        "machine": machine(),
        "saves": saves_under_guessing(engine, actor, args.guessers, args.duration),
        "refusals": refusal_times(engine, args.refusals),
    }
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
