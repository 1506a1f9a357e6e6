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


class Sightings:
    """CPU seconds of processes sampled every `every` seconds in a thread, each counted until its
    last sighting: one that exits or is killed between two marks keeps what it had used.
    Subclasses say what to look at (`look`: key -> CPU seconds now)."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.last: dict[int, float] = {}  # key -> CPU seconds at its last sighting
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def look(self) -> dict[int, float]:
        raise NotImplementedError

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            with suppress(Exception):  # a database or cluster briefly down: look again later
                found = self.look()
                with self._lock:
                    self.last.update(found)
            self._stop.wait(self.every)

    def seconds(self) -> float:
        """CPU seconds of everything seen so far (a new process starts from zero)."""
        with self._lock:
            return sum(self.last.values())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


class PostgresBackends(Sightings):
    """The backends serving one database on a shared server, by pid."""

    def __init__(self, admin_url: str, database: str, every: float = 0.2) -> None:
        super().__init__(every)
        self.admin_url, self.database = admin_url, database
        self._admin = None  # opened by the sampling thread, the only one to use it

    def look(self) -> dict[int, float]:
        import psycopg

        if self._admin is None:
            self._admin = psycopg.connect(self.admin_url, autocommit=True)
        rows = self._admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.database,)
        )
        found = {row[0]: _stat(row[0]) for row in rows}
        return {pid: stat[1] for pid, stat in found.items() if stat is not None}

    def stop(self) -> None:
        super().stop()
        if self._admin is not None:
            self._admin.close()


class ClusterTree(Sightings):
    """A whole PostgreSQL cluster of our own (the fault run): its postmaster's process tree, by
    postmaster pid. A crash-restart brings a new postmaster: the old tree is counted until its
    last sighting, the new one from zero (a tree read only at the marks lost the old one's CPU
    and could come out negative)."""

    def __init__(self, data_dir: Path, every: float = 0.5) -> None:
        super().__init__(every)
        self.pid_file = data_dir / "postmaster.pid"

    def look(self) -> dict[int, float]:
        root = int(self.pid_file.read_text().split()[0])  # down or starting: no file, skipped
        with self._lock:  # a child reaped between two reads of the table: never count less
            before = self.last.get(root, 0.0)
        return {root: max(tree_seconds(root), before)}


class CpuMeter:
    """Marks (name -> CPU seconds per group) taken at chosen moments of the run."""

    def __init__(self, trees: dict[str, int], backends: Sightings | None) -> None:
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
