"""What the worst photo we accept costs to derive (display + thumbnail + phash), per format.

For each format the largest image the upload checks let through (`decode_limit`), with content
that compresses to a small file, is derived in a fresh subprocess that prints its time and peak
RSS above its own baseline (VmHWM - VmRSS before decoding). Also shown: a normal phone photo, and
(for comparison) the same PNG at the old 80 MP cap, which took seconds and over half a gigabyte.
Budget (issue 9): <= 1.5 s and <= 300 MB extra per derivation on this machine.

Run: .venv/bin/python bench/decode.py [--rounds N]
"""

from __future__ import annotations

import argparse
import io
import json
import math
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from inspector.photos.heif import register as register_heif  # noqa: E402
from inspector.photos.validate import decode_limit  # noqa: E402

register_heif()

BUDGET_S, BUDGET_MB = 1.5, 300
MAX_PIXELS = 80_000_000  # the default INSPECTOR_MAX_IMAGE_PIXELS

CHILD = r"""
import io, json, sys, time
sys.path.insert(0, sys.argv[1])
from inspector.photos.derive import make_derivatives
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024
data = open(sys.argv[2], "rb").read()
make_derivatives(open(sys.argv[3], "rb").read())  # warm up code paths on a tiny image
base = status("VmRSS:")
start, cpu = time.perf_counter(), time.process_time()
make_derivatives(data)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"s": elapsed, "cpu": cpu, "mb": (status("VmHWM:") - base) / 2**20}))
"""


def side(pixels: int, ratio: float = 4 / 3) -> tuple[int, int]:
    """The largest width x height of this aspect ratio within `pixels`."""
    height = int(math.sqrt(pixels / ratio))
    width = int(pixels // height)
    while width * height > pixels:
        width -= 1
    return width, height


def scene(size: tuple[int, int], mode: str) -> Image.Image:
    """A smooth gradient with some structure: compresses well (a small upload), not trivially."""
    small = Image.linear_gradient("L").resize((64, 64))
    bands = [small, small.rotate(90), small.rotate(180)]
    if mode == "RGBA":
        bands.append(small.rotate(270))
    return Image.merge(mode, bands).resize(size, Image.Resampling.BILINEAR)


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    if fmt in ("JPEG", "WEBP", "HEIF"):
        options.setdefault("quality", 90)
    image.save(out, fmt, **options)
    return out.getvalue()


def cases() -> list[tuple[str, str, bytes]]:
    made = []
    for fmt, mode in (("PNG", "RGBA"), ("WEBP", "RGBA"), ("HEIF", "RGB"), ("JPEG", "RGB")):
        size = side(decode_limit(fmt, MAX_PIXELS), 1.0 if fmt == "WEBP" else 4 / 3)
        if fmt == "WEBP":
            size = (min(size[0], 16383), min(size[1], 16383))
        made.append(
            (f"{fmt} worst accepted {size[0]}x{size[1]}", fmt, encode(scene(size, mode), fmt))
        )
    size = side(decode_limit("JPEG", MAX_PIXELS, progressive=True))
    made.append(
        (
            f"JPEG progressive worst {size[0]}x{size[1]}",
            "JPEG",
            encode(scene(size, "RGB"), "JPEG", progressive=True),
        )
    )
    made.append(("JPEG phone photo 4032x3024", "JPEG", encode(scene((4032, 3024), "RGB"), "JPEG")))
    made.append(("HEIF phone photo 4032x3024", "HEIF", encode(scene((4032, 3024), "RGB"), "HEIF")))
    old = side(MAX_PIXELS - 1, 1.0)
    made.append(
        (
            f"PNG at the old cap {old[0]}x{old[1]} (now refused)",
            "PNG",
            encode(scene(old, "RGBA"), "PNG"),
        )
    )
    return made


def measure(path: Path, tiny: Path) -> dict:
    root = str(Path(__file__).resolve().parent.parent)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, root, str(path), str(tiny)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="inspector-decode-"))
    tiny = tmp / "tiny.jpg"
    tiny.write_bytes(encode(scene((64, 48), "RGB"), "JPEG"))
    print(f"budget: <= {BUDGET_S} s and <= {BUDGET_MB} MB extra per derivation")
    print(f"{'image':48} {'file':>9} {'wall s':>7} {'cpu s':>6} {'peak MB':>8}")
    for name, _fmt, data in cases():
        path = tmp / "img"
        path.write_bytes(data)
        runs = [measure(path, tiny) for _ in range(args.rounds)]
        best_s = min(r["s"] for r in runs)  # least disturbed by other load on the machine
        cpu = max(r["cpu"] for r in runs)  # all threads; what it costs on an idle machine
        worst_mb = max(r["mb"] for r in runs)
        print(f"{name:48} {len(data) / 1024:7.0f}KB {best_s:7.2f} {cpu:6.2f} {worst_mb:8.0f}")
    load = Path("/proc/loadavg").read_text().split()[0]
    print(f"load average while measuring: {load} (wall time grows with it; CPU time does not)")


if __name__ == "__main__":
    main()
