"""CPU seconds spent by each part of the stack during a load run, read from /proc.

Wall-clock throughput on a shared 2-core machine says more about the neighbours than about us;
CPU seconds per photo report do not: on an idle host the stack can sustain about
`cores / (CPU seconds per report)` reports per second, whoever else ran during the measurement.

Groups: a process tree (gunicorn master and its workers, the RQ worker and the work horses it
forks) is counted as every live member's own time plus the time of the children it has reaped
(`cutime`, `cstime`), so workers that exit or get killed during the window stay counted. The
PostgreSQL backends of our database are children of the shared server, which reaps them for
everyone; they are sampled a few times a second instead and counted until their last sighting.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import suppress
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float, float] | None:
    """(ppid, own CPU seconds, reaped children's CPU seconds) of one process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # after the name: state ppid ... utime(12) stime(13) cutime(14) cstime(15), 0-based from state
    return (
        int(fields[1]),
        (int(fields[11]) + int(fields[12])) / TICK,
        (int(fields[13]) + int(fields[14])) / TICK,
    )


def _table() -> dict[int, tuple[int, float, float]]:
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = _stat(int(entry.name))
            if found is not None:
                table[int(entry.name)] = found
    return table


def tree_seconds(root: int, table: dict[int, tuple[int, float, float]] | None = None) -> float:
    """CPU seconds of a process, its live descendants and every child they reaped."""
    table = table if table is not None else _table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            total += table[pid][1] + table[pid][2]
            todo += children.get(pid, [])
    return total


def machine_busy_seconds() -> float:
    """Every core's non-idle time since boot (all sessions on the machine, not only ours)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / TICK


class PostgresBackends:
    """Samples the CPU time of the backends serving one database on a shared server."""

    def __init__(self, admin_url: str, database: str, every: float = 0.2) -> None:
        self.admin_url, self.database, self.every = admin_url, database, every
        self.last: dict[int, float] = {}  # pid -> CPU seconds at its last sighting
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            while not self._stop.is_set():
                with suppress(Exception):
                    pids = [
                        row[0]
                        for row in admin.execute(
                            "SELECT pid FROM pg_stat_activity WHERE datname = %s",
                            (self.database,),
                        )
                    ]
                    self._sample(pids)
                self._stop.wait(self.every)

    def _sample(self, pids: list[int]) -> None:
        with self._lock:
            for pid in pids:
                found = _stat(pid)
                if found is not None:
                    self.last[pid] = found[1]

    def seconds(self) -> float:
        """CPU seconds of every backend seen so far (a new backend starts from zero)."""
        with self._lock:
            return sum(self.last.values())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


class ClusterTree(PostgresBackends):
    """A whole PostgreSQL cluster of our own (the fault run): its postmaster's process tree,
    sampled like the backends above. A crash-restart brings a new postmaster: the old tree is
    counted until its last sighting, the new one from zero (a tree read only at the marks lost
    the old one's CPU and could come out negative)."""

    def __init__(self, data_dir: Path, every: float = 0.5) -> None:
        super().__init__("", "", every)
        self.pid_file = data_dir / "postmaster.pid"

    def _loop(self) -> None:
        while not self._stop.is_set():
            with suppress(OSError, ValueError, IndexError):  # down or starting: no postmaster
                root = int(self.pid_file.read_text().split()[0])
                seconds = tree_seconds(root)
                with self._lock:
                    self.last[root] = max(seconds, self.last.get(root, 0.0))
            self._stop.wait(self.every)


class CpuMeter:
    """Marks (name -> CPU seconds per group) taken at chosen moments of the run."""

    def __init__(self, trees: dict[str, int], backends: PostgresBackends | None) -> None:
        self.trees, self.backends = trees, backends
        self.marks: dict[str, dict[str, float]] = {}

    def mark(self, name: str) -> None:
        table = _table()
        values = {group: tree_seconds(pid, table) for group, pid in self.trees.items()}
        if self.backends is not None:
            values["postgresql"] = self.backends.seconds()
        values["machine"] = machine_busy_seconds()
        values["wall"] = time.monotonic()
        self.marks[name] = values

    def between(self, first: str, second: str) -> dict[str, float]:
        a, b = self.marks[first], self.marks[second]
        return {group: b[group] - a[group] for group in a if group in b}
