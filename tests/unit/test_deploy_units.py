"""Every systemd unit in deploy/ parses: systemd ignores a setting it does not understand with
only a log line (a misspelt `CPUWeight=` would leave the job worker competing with intake)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
ANALYZE = shutil.which("systemd-analyze")


def _here(text: str) -> str:
    """The unit as it would load on this machine: its user, folders and programs replaced by
    ones that exist here, so `verify` judges the settings, not the host."""
    text = re.sub(r"(?m)^(User|Group)=.*$", r"\1=root", text)
    text = re.sub(r"(?m)^(WorkingDirectory|ReadWritePaths)=.*$", r"\1=/tmp", text)
    text = re.sub(r"(?m)^EnvironmentFile=.*$", "", text)
    return re.sub(r"/opt/inspector/\.venv/bin/\S+", "/bin/true", text)


@pytest.mark.skipif(ANALYZE is None, reason="systemd-analyze is not installed here")
@pytest.mark.parametrize("unit", sorted(p.name for p in UNITS.iterdir()))
def test_every_setting_parses(unit: str, tmp_path: Path) -> None:
    for source in UNITS.iterdir():  # a timer needs its service beside it
        (tmp_path / source.name).write_text(_here(source.read_text()))
    checked = subprocess.run(
        [ANALYZE, "verify", str(tmp_path / unit)], capture_output=True, text=True, timeout=60
    )
    complaints = [
        line
        for line in (checked.stdout + checked.stderr).splitlines()
        if re.search(r"ignoring|unknown|invalid|failed to parse", line, re.IGNORECASE)
    ]
    assert complaints == [], complaints
