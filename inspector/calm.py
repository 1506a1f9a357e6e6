"""Host CPU pressure, so that deferrable work (photo derivatives) gives way to intake.

Linux counts, in /proc/pressure/cpu (PSI), the time during which at least one runnable task
waited for a core. The job worker runs in the kernel's idle class (deploy/systemd/
inspector-jobs.service), yet on a saturated host it still took every short gap between the
app's requests: decoding 12 MP photos there cost intake 10-20 % of its reports per second, back
to back (bench/README.md), through caches and memory bandwidth more than CPU time. Waiting
while the host is under sustained pressure gives the surge those gaps; the backlog drains as
soon as the surge ends, a photo viewed earlier gets its derivatives made by that request, and
no job waits longer than the deferral limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

PSI_CPU = Path("/proc/pressure/cpu")


def some_line(text: str) -> dict[str, float]:
    """The `some` line's fields: avg10/avg60/avg300 (percent) and total (microseconds)."""
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] == "some":
            values = {}
            for field in fields[1:]:
                name, _, value = field.partition("=")
                try:
                    values[name] = float(value)
                except ValueError:
                    continue
            return values
    return {}


def read_pressure(path: Path = PSI_CPU) -> dict[str, float]:
    """This host's CPU pressure; empty where the kernel has none (not Linux, PSI disabled)."""
    try:
        return some_line(path.read_text())
    except OSError:
        return {}


def wait_for_calm(
    busy_share: float,
    max_wait_s: float,
    *,
    stop: Callable[[], bool] = lambda: False,
    pressure: Callable[[], dict[str, float]] = read_pressure,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    interval_s: float = 1.0,
) -> float:
    """Wait while tasks waited for a core more than `busy_share` (0-1) of the time; at most
    `max_wait_s` in all. Returns the seconds waited (0 at once on a calm host).

    The kernel's 10-second average decides whether to look closer; then each interval is
    measured while this process sleeps, so its own waiting never counts."""
    if busy_share <= 0 or max_wait_s <= 0:
        return 0.0
    if pressure().get("avg10", 0.0) < busy_share * 100:
        return 0.0
    start = clock()
    while not stop() and clock() - start < max_wait_s:
        before, t0 = pressure().get("total"), clock()
        sleep(interval_s)
        after, t1 = pressure().get("total"), clock()
        if before is None or after is None or t1 <= t0:
            break
        if (after - before) / 1e6 / (t1 - t0) < busy_share:
            break
    return clock() - start
