"""glibc's malloc kept from handing large request buffers back to the kernel after each request.

A photo report's body is 3-9 MB, read and split into a few buffers of that size per request. By
default glibc serves such blocks with mmap and returns them on free (or trims them off the
heap), so every request faults its buffers in again, page by page, each page zeroed by the
kernel; on a virtual machine that returns freed memory to its host, each fault is also a trip to
the hypervisor. Kept in the process, the next request reuses the same warm pages: gunicorn's CPU
per photo report fell from 53.9 to 48.8 ms in bench/load.py (bench/README.md). The price is
resident memory: each thread keeps what its largest request needed, bounded by gunicorn's
max_requests recycling.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

M_TRIM_THRESHOLD = -1  # glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 1024 * 1024  # glibc's ceiling on 64-bit; bigger blocks still use mmap
TRIM_THRESHOLD = 256 * 1024 * 1024


def keep_large_blocks() -> bool:
    """Raise malloc's mmap and trim thresholds in this process (and the processes it forks).

    Returns False where it does not apply: not glibc, or MALLOC_MMAP_THRESHOLD_ /
    MALLOC_TRIM_THRESHOLD_ set in the environment (the operator's own choice stands)."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ or "MALLOC_TRIM_THRESHOLD_" in os.environ:
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return False
    if not hasattr(libc, "gnu_get_libc_version"):  # not glibc (musl's mallopt does nothing)
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
