"""inspector/memory.py: large freed blocks stay in the process (no fault-in per request).

Measured in fresh interpreters (malloc settings are process-wide), counting page faults while
one thread handles the buffers of photo uploads again and again: every page of a block glibc
gave back to the kernel must be faulted in again on the next request."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import resource, sys
from inspector.memory import keep_large_blocks
print(keep_large_blocks() if sys.argv[1] == "on" else "default")
def request():  # a photo body, its copy, its parts: as formdata.py handles one upload
    body = bytearray(6 * 1024 * 1024)
    copy = bytes(body)
    parts = [copy[: len(copy) // 2], copy[len(copy) // 2 :]]
    del body, copy, parts
for _ in range(5):
    request()  # glibc adapts its thresholds to the sizes it has seen
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(int(sys.argv[2])):
    request()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def faults(mode: str, rounds: int, **env: str) -> tuple[str, int]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")} | env
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, str(rounds)],
        capture_output=True, text=True, check=True, env=environ,
    ).stdout.split()  # fmt: skip
    return out[0], int(out[1])


def test_freed_blocks_are_reused_instead_of_faulted_in_again():
    applied, kept = faults("on", 30)
    _, default = faults("default", 30)
    assert applied == "True"
    # Kept: after the first requests, the same pages serve every next one.
    assert kept < 30 * 100
    # glibc's default trims the freed 18 MB off the heap (over twice the largest block) and
    # faults it in again on the next request: 4,608 pages of 4 KB, 30 times.
    assert default > 30 * 3_000


def test_the_operators_own_setting_stands():
    applied, _ = faults("on", 1, MALLOC_TRIM_THRESHOLD_="1048576")
    assert applied == "False"
