"""The RQ worker behind `flask jobs worker`: intake first, derivatives when the host is calm.

Yielding is a worker's choice between two jobs, never inside one: a job taken runs to its end,
and a warm shutdown (SIGTERM) stops the wait within a second (inspector/calm.py says why).

Once a surge is over, the backlog drains as fast as there are worker processes: one process
decodes one photo at a time, so on a 2-core host it used one core and left the other idle
(4.7 reports/s; 7,000 reports of a two-minute surge waited 25 minutes for their display images
and the re-use check, bench/README.md). `--processes auto` runs one per core (rq's WorkerPool:
forked after the warm-up, so each starts with the grid index and the imaging libraries loaded,
and a dead one is started again); every process waits for a calm host on its own.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from .calm import wait_for_calm

log = logging.getLogger(__name__)
HEARTBEAT_EVERY_S = 60.0  # well inside RQ's worker TTL (420 s), which a long wait would outlive


def yielding(base: type, busy_share: float, max_wait_s: float, **calm: Any) -> type:  # noqa: ANN401
    """`base` (rq.Worker or SimpleWorker) waiting for a calm host before it takes each job;
    `calm`: wait_for_calm's options (its pressure source and interval, for tests)."""

    class YieldingWorker(base):  # type: ignore[misc, valid-type]
        def check_for_suspension(self, burst: bool) -> None:
            super().check_for_suspension(burst)
            if burst:  # a burst drains the queue now: whoever asked for it is waiting
                return
            beat = [time.monotonic()]

            def nap(seconds: float) -> None:
                time.sleep(seconds)
                if time.monotonic() - beat[0] >= HEARTBEAT_EVERY_S:
                    self.heartbeat()
                    beat[0] = time.monotonic()

            waited = wait_for_calm(
                busy_share, max_wait_s, stop=lambda: self._stop_requested, sleep=nap, **calm
            )
            if waited >= 1:
                log.info("waited %.0f s for a calm host (CPU pressure)", waited)

    YieldingWorker.__name__ = YieldingWorker.__qualname__ = f"Yielding{base.__name__}"
    return YieldingWorker


def worker_class(simple: bool, config: Any) -> type:  # noqa: ANN401 - Flask's config mapping
    from rq import SimpleWorker, Worker

    base = SimpleWorker if simple else Worker
    share = float(config.get("JOBS_YIELD_PRESSURE") or 0) / 100
    return yielding(base, share, float(config.get("JOBS_YIELD_MAX_S") or 0))


def process_count(text: str) -> int:
    """`--processes`: a positive number, or `auto` for one per core this process may run on."""
    if text.strip().lower() == "auto":
        return max(1, len(os.sched_getaffinity(0)))
    try:
        count = int(text)
    except ValueError:
        count = 0
    if not 1 <= count <= 256:
        raise ValueError(f"进程数应为 1-256 或 auto / processes: 1-256 or auto, not {text!r}")
    return count


def run_workers(cls: type, queue: Any, count: int, *, burst: bool = False) -> None:  # noqa: ANN401
    """Work `queue` with `count` workers of `cls`: in this process when one, else in a pool of
    forked processes that stops them warm on SIGTERM or SIGINT (the unit's KillMode=mixed sends
    it to this process only) and, unless `burst`, starts a dead one again."""
    if count == 1:
        cls([queue], connection=queue.connection).work(burst=burst)
        return
    from rq.worker_pool import WorkerPool

    pool = WorkerPool([queue], connection=queue.connection, num_workers=count, worker_class=cls)
    pool.start(burst=burst)
