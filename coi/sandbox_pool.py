"""A pool of long-lived extraction workers (``python -m coi.sandbox --serve MB``): each
imports the readers once, caps its memory and reads one JSON job per line; a worker that
times out, dies or answers nonsense is killed and replaced (see :mod:`coi.sandbox`).
"""

from __future__ import annotations

import json
import os
import queue
import select
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from coi.extracted import ExtractedDocument, ExtractError
from coi.sandbox import (
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT_SECONDS,
    KINDS,
    _command,
    _error,
    _interpret,
    _json_object,
    _no_answer_message,
    _timeout_message,
)

__all__ = ["SandboxPool"]

# A pool worker imports the readers (and warms up ``enrich``) before its first job; that
# time does not count against a job's time limit, but it is bounded too.
STARTUP_TIMEOUT_SECONDS = 120.0
# Recycle a worker after this many files (memory fragmentation; caches growing).
MAX_JOBS_PER_WORKER = 250


class _Failure(Exception):
    """The worker timed out, died or answered nonsense: kill and replace it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "timeout", "died", "garbled"


class _Worker:
    """One ``python -m coi.sandbox --serve`` process and its line-based pipe."""

    def __init__(self, memory_mb: int, enrich: bool) -> None:
        self.proc = subprocess.Popen(
            _command("--serve", str(memory_mb), enrich=enrich),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            bufsize=0, start_new_session=True,
        )
        self.pid = self.proc.pid
        self.jobs = 0
        self.ready = False
        self._buffer = bytearray()

    def _read_line(self, deadline: float) -> dict:
        fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Failure("timeout")
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise _Failure("died")
            self._buffer += chunk
        line, _, rest = self._buffer.partition(b"\n")
        self._buffer = bytearray(rest)
        try:
            answer = json.loads(line, object_hook=_json_object)
        except ValueError:
            raise _Failure("garbled") from None
        if not isinstance(answer, dict):
            raise _Failure("garbled")
        return answer

    def ask(self, job: dict, timeout: float) -> dict:
        if not self.ready:
            if self._read_line(time.monotonic() + STARTUP_TIMEOUT_SECONDS).get("status") != "ready":
                raise _Failure("garbled")
            self.ready = True
        try:
            self.proc.stdin.write(json.dumps(job).encode() + b"\n")  # type: ignore[union-attr]
        except OSError:
            raise _Failure("died") from None
        self.jobs += 1
        return self._read_line(time.monotonic() + timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self._reap(None)

    def stop(self) -> None:
        """Ask the worker to finish (end of its stdin), then kill it if it lingers."""
        try:
            self.proc.stdin.close()  # type: ignore[union-attr]
        except OSError:
            pass
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._reap(None)

    def _reap(self, timeout: float | None) -> None:
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


class SandboxPool:
    """Long-lived extraction workers with a time limit per file and a memory cap each.

    ``pool.extract(kind, path)`` is safe to call from several threads at once: each call
    takes a free worker (waiting for one if all are busy). ``pool.map(jobs)`` runs
    (kind, path) jobs on all workers and yields ``(job, document_or_error)`` as they finish.
    Use it as a context manager, or call ``close()``: no worker process outlives it.
    """

    def __init__(self, workers: int | None = None, *, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                 memory_mb: int = DEFAULT_MEMORY_MB, enrich: bool = True,
                 max_jobs_per_worker: int = MAX_JOBS_PER_WORKER) -> None:
        self.workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.enrich = enrich
        self.max_jobs_per_worker = max(1, max_jobs_per_worker)
        self._lock = threading.Lock()
        self._closed = False
        self._live: set[_Worker] = set()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(self.workers):  # started now: they warm up while the caller prepares
            self._idle.put(self._spawn())

    # -- workers -------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        worker = _Worker(self.memory_mb, self.enrich)
        with self._lock:
            self._live.add(worker)
        return worker

    def _retire(self, worker: _Worker, *, kill: bool) -> None:
        if kill:
            worker.kill()
        else:
            worker.stop()
        with self._lock:
            self._live.discard(worker)

    def _give_back(self, worker: _Worker | None) -> None:
        """Return a worker (or a fresh one in place of a retired one) to the idle queue."""
        with self._lock:
            closed = self._closed
        if closed:
            if worker is not None:
                self._retire(worker, kill=True)
            return
        if worker is None:
            try:
                worker = self._spawn()
            except OSError:
                return
        self._idle.put(worker)

    def pids(self) -> set[int]:
        """Process ids of the workers alive now (for monitoring and tests)."""
        with self._lock:
            return {w.pid for w in self._live if w.proc.poll() is None}

    # -- jobs ----------------------------------------------------------------------------

    def extract(self, kind: str, path: Path, *, timeout: float | None = None
                ) -> ExtractedDocument:
        """Read one file in a free worker; raises an ``ExtractError`` (``PdfExtractError``
        for PDFs) with a plain message when the file is refused."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        limit = self.timeout if timeout is None else timeout
        job = {"kind": kind, "path": str(Path(path).resolve())}
        worker = self._take()
        try:
            answer = worker.ask(job, limit)
        except _Failure as failure:
            died = worker.proc.poll() not in (None, 0)
            self._retire(worker, kill=True)
            self._give_back(None)
            if failure.reason == "timeout":
                raise _error(kind, _timeout_message(kind, limit)) from None
            if failure.reason == "garbled":
                raise _error(kind, _no_answer_message(kind)) from None
            return _interpret(None, kind, self.memory_mb, died=died or failure.reason == "died")
        except BaseException:
            self._retire(worker, kill=True)  # e.g. KeyboardInterrupt while waiting
            self._give_back(None)
            raise
        if answer.get("status") in ("ok", "error") and worker.jobs < self.max_jobs_per_worker:
            self._give_back(worker)
        else:
            # A MemoryError or an unexpected failure may leave the worker in a bad state (it
            # exits by itself); a worker that read many files is recycled.
            self._retire(worker, kill=answer.get("status") not in ("ok", "error"))
            self._give_back(None)
        return _interpret(answer, kind, self.memory_mb, died=False)

    def _take(self) -> _Worker:
        while True:
            with self._lock:
                if self._closed:
                    raise RuntimeError("the sandbox pool is closed")
            try:
                return self._idle.get(timeout=0.5)
            except queue.Empty:
                continue

    def map(self, jobs: Iterable[tuple[str, Path]]
            ) -> Iterator[tuple[tuple[str, Path], ExtractedDocument | ExtractError]]:
        """Run (kind, path) jobs on all workers; yield (job, document or ExtractError) in the
        order they finish."""
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="sandbox") as ex:
            futures = {ex.submit(self.extract, kind, path): (kind, path) for kind, path in jobs}
            try:
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        yield job, future.result()
                    except ExtractError as exc:
                        yield job, exc
            finally:
                for future in futures:
                    future.cancel()

    # -- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Stop every worker (idle ones politely, busy ones killed) and wait for them."""
        with self._lock:
            self._closed = True
        idle: list[_Worker] = []
        while True:
            try:
                idle.append(self._idle.get_nowait())
            except queue.Empty:
                break
        for worker in idle:
            if worker.ready or worker.proc.poll() is not None:
                worker.stop()
            else:
                worker.kill()  # still warming up: no need to wait for it
            with self._lock:
                self._live.discard(worker)
        with self._lock:
            busy = list(self._live)
        # A busy worker belongs to the thread waiting for its answer: kill the process (that
        # thread then sees the end of the pipe and cleans up) and wait for it to be gone.
        for worker in busy:
            if worker.proc.poll() is None:
                worker.proc.kill()
        for worker in busy:
            try:
                worker.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def __enter__(self) -> SandboxPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            if not self._closed:
                self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass
