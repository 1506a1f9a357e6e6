"""The job worker's wait for a calm host (inspector/calm.py): PSI parsing and the wait itself,
on a clock that only moves when the code sleeps."""

from __future__ import annotations

from pathlib import Path

from inspector.calm import read_pressure, some_line, wait_for_calm

# /proc/pressure/cpu as Linux 6.x writes it (Documentation/accounting/psi.rst).
SAMPLE = (
    "some avg10=87.71 avg60=51.92 avg300=42.98 total=636569772\n"
    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
)


def test_some_line() -> None:
    assert some_line(SAMPLE) == {
        "avg10": 87.71,
        "avg60": 51.92,
        "avg300": 42.98,
        "total": 636569772.0,
    }
    assert some_line("full avg10=1.00 total=5\n") == {}
    assert some_line("") == {}
    assert some_line("some avg10=x total=7") == {"total": 7.0}


def test_no_psi_file(tmp_path: Path) -> None:
    assert read_pressure(tmp_path / "missing") == {}
    (tmp_path / "cpu").write_text(SAMPLE)
    assert read_pressure(tmp_path / "cpu")["avg10"] == 87.71


class Host:
    """A host whose tasks wait `shares[i]` of interval i (then the last share on and on)."""

    def __init__(self, avg10: float, shares: list[float]) -> None:
        self.avg10, self.shares = avg10, shares
        self.now, self.total_us, self.sleeps = 100.0, 1_000_000.0, 0

    def pressure(self) -> dict[str, float]:
        return {"avg10": self.avg10, "total": self.total_us}

    def sleep(self, seconds: float) -> None:
        share = self.shares[min(self.sleeps, len(self.shares) - 1)]
        self.sleeps += 1
        self.now += seconds
        self.total_us += share * seconds * 1e6

    def wait(self, busy: float = 0.5, max_wait: float = 300.0, **kw) -> float:  # noqa: ANN003
        return wait_for_calm(
            busy, max_wait, pressure=self.pressure, sleep=self.sleep, clock=lambda: self.now, **kw
        )


def test_calm_host_takes_the_job_at_once() -> None:
    host = Host(avg10=12.0, shares=[0.9])
    assert host.wait() == 0.0
    assert host.sleeps == 0  # not even one interval's look


def test_waits_until_an_interval_is_calm() -> None:
    # The 10 s average says busy; three busy seconds, then one at 10 %: four seconds waited.
    host = Host(avg10=85.0, shares=[0.9, 0.8, 0.6, 0.1])
    assert host.wait() == 4.0
    # The average alone does not hold the worker back: the first second is calm already.
    host = Host(avg10=85.0, shares=[0.2])
    assert host.wait() == 1.0


def test_never_longer_than_the_limit() -> None:
    host = Host(avg10=95.0, shares=[0.95])
    assert host.wait(max_wait=30.0) == 30.0
    assert host.sleeps == 30


def test_stops_on_request() -> None:
    host = Host(avg10=95.0, shares=[0.95])
    asked = iter([False, False, True])
    assert host.wait(stop=lambda: next(asked)) == 2.0


def test_off_and_unknown() -> None:
    host = Host(avg10=95.0, shares=[0.95])
    assert host.wait(busy=0) == 0.0  # INSPECTOR_JOBS_YIELD_PRESSURE=0
    assert host.wait(max_wait=0) == 0.0
    assert wait_for_calm(0.5, 300, pressure=dict, sleep=host.sleep) == 0.0  # no PSI here
    assert host.sleeps == 0
