"""The server's pid file: refuse a second server, clear what a killed one left behind.

gunicorn refuses to start while its pid file names a live process. After `kill -9` of the master
the file stays, and the pid in it can still look alive: a zombie not yet reaped by its parent, or
a new, unrelated process that got the same number. `python -m inspector.setup.pidfile PATH`
(run by scripts/demo before gunicorn) removes the file unless it names a running gunicorn, and
exits 1, saying so, when one is running.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _alive(pid: int) -> bool:
    """Running (not a zombie) and a gunicorn; where /proc is missing, whether the pid exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    proc = Path(f"/proc/{pid}")
    if not proc.exists():
        return True
    try:
        stat = (proc / "stat").read_text()
        cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False  # it ended while we looked
    state = stat.rsplit(")", 1)[-1].split()[0]
    return state not in ("Z", "X") and "gunicorn" in cmdline


def running_pid(path: Path) -> int | None:
    """The pid of the gunicorn that owns `path`; removes the file when no such process runs."""
    try:
        text = path.read_text().strip()
    except FileNotFoundError:
        return None
    pid = int(text) if text.isdigit() else None
    if pid is not None and pid != os.getpid() and _alive(pid):
        return pid
    path.unlink(missing_ok=True)
    return None


def main(argv: list[str]) -> int:
    path = Path(argv[1])
    path.parent.mkdir(parents=True, exist_ok=True)
    pid = running_pid(path)
    if pid is not None:
        print(f"Inspector 已在运行 / already running (pid {pid}, {path})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
