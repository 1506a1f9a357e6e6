"""The RQ worker behind `flask jobs worker`: intake first, derivatives when the host is calm.

Yielding is a worker's choice between two jobs, never inside one: a job taken runs to its end,
and a warm shutdown (SIGTERM) stops the wait within a second (inspector/calm.py says why)."""

from __future__ import annotations

import logging
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
