"""`flask jobs worker --processes`: how many worker processes drain the queue."""

from __future__ import annotations

import os

import pytest

from inspector.jobs_worker import process_count


def test_a_number_is_taken_as_given() -> None:
    assert process_count("1") == 1
    assert process_count("2") == 2
    assert process_count(" 16 ") == 16


def test_auto_is_one_per_core_this_process_may_use() -> None:
    allowed = os.sched_getaffinity(0)
    assert process_count("auto") == len(allowed)
    assert process_count("AUTO") == len(allowed)
    try:  # pinned to one core (taskset, a cgroup's cpuset): one process, whatever the host has
        os.sched_setaffinity(0, {min(allowed)})
        assert process_count("auto") == 1
    finally:
        os.sched_setaffinity(0, allowed)


@pytest.mark.parametrize("text", ["0", "-1", "257", "two", "", "1.5"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="1-256 or auto"):
        process_count(text)
