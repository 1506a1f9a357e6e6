"""Photo intake figures for a 12-megapixel phone JPEG, each against a baseline from this run.

1. Accept path (validate + EXIF + durable store + row + commit) p50 vs the floor: SHA-256 of
   the bytes + an fsynced file write + one INSERT/commit. Target: accept <= 2x floor.
2. Derivatives (display 1280 + thumb 320 + phash) per second vs the naive way: full decode,
   rotate, LANCZOS resize to both sizes. Target: >= 2x naive.

Run: .venv/bin/python bench/photos.py [--rounds N]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageFilter, ImageOps  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from werkzeug.datastructures import FileStorage  # noqa: E402

from inspector import create_app  # noqa: E402
from inspector.extensions import db  # noqa: E402
from inspector.photos.derive import make_derivatives  # noqa: E402
from inspector.photos.models import Photo  # noqa: E402
from inspector.photos.service import accept_uploads  # noqa: E402
from tests.photo_samples import exif_bytes  # noqa: E402

WIDTH, HEIGHT = 4032, 3024  # 12.2 MP, the common phone sensor


def phone_jpeg() -> bytes:
    """A photo-like 12 MP JPEG: smooth light, edges, sensor noise; EXIF with GPS, orientation 6."""
    small = Image.effect_noise((WIDTH // 8, HEIGHT // 8), 60).convert("RGB")
    small = small.filter(ImageFilter.GaussianBlur(3))
    scene = small.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((WIDTH, HEIGHT), 12).convert("RGB")
    scene = Image.blend(scene, grain, 0.4)
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=92, exif=exif_bytes(6))
    return out.getvalue()


def variant(data: bytes, n: int) -> bytes:
    """Same picture, distinct bytes (a COM segment after SOI): every write is a new file."""
    comment = f"bench {n} {time.time_ns()}".encode()
    return data[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + data[2:]


def p50_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_accept(data: bytes, rounds: int) -> tuple[float, float]:
    tmp = Path(tempfile.mkdtemp(prefix="inspector-bench-"))
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "MEDIA_DIR": str(tmp / "media"),
            "SECRET_KEY": "bench",
        }
    )
    floor_dir = tmp / "floor"
    floor_dir.mkdir()
    accept_t: list[float] = []
    floor_t: list[float] = []
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        for n in range(rounds + 2):  # interleaved, so drift hits both alike; 2 warm-ups
            payload = variant(data, n)
            start = time.perf_counter()
            accept_uploads([FileStorage(io.BytesIO(payload), "IMG.jpg")], None)
            db.session.commit()
            took_accept = time.perf_counter() - start

            payload = variant(data, -n - 1)
            start = time.perf_counter()
            sha = hashlib.sha256(payload).hexdigest()
            path = floor_dir / sha
            with open(path, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            dir_fd = os.open(floor_dir, os.O_RDONLY)
            os.fsync(dir_fd)
            os.close(dir_fd)
            db.session.execute(
                insert(Photo).values(
                    sha256=sha,
                    storage_key=sha,
                    mime="image/jpeg",
                    size_bytes=len(payload),
                    width=WIDTH,
                    height=HEIGHT,
                    orientation=1,
                    position=0,
                )
            )
            db.session.commit()
            took_floor = time.perf_counter() - start
            if n >= 2:
                accept_t.append(took_accept)
                floor_t.append(took_floor)
    return p50_ms(accept_t), p50_ms(floor_t)


def naive_derivatives(data: bytes) -> tuple[bytes, bytes]:
    with Image.open(io.BytesIO(data)) as image:
        image.load()  # full-size decode
        upright = ImageOps.exif_transpose(image).convert("RGB")
    outputs = []
    for limit in (1280, 320):
        scale = limit / max(upright.size)
        size = (round(upright.width * scale), round(upright.height * scale))
        out = io.BytesIO()
        upright.resize(size, Image.Resampling.LANCZOS).save(out, "JPEG", quality=82)
        outputs.append(out.getvalue())
    return outputs[0], outputs[1]


def per_second(func, data: bytes, rounds: int) -> float:
    func(data)  # warm-up
    start = time.perf_counter()
    for _ in range(rounds):
        func(data)
    return rounds / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    args = parser.parse_args()
    data = phone_jpeg()
    print(f"photo: {WIDTH}x{HEIGHT} JPEG, {len(data) / 1e6:.2f} MB, EXIF GPS, orientation 6")

    accept, floor = bench_accept(data, args.rounds)
    ratio = accept / floor
    print(f"accept p50      {accept:7.2f} ms   (validate + EXIF + fsync store + row + commit)")
    print(f"floor  p50      {floor:7.2f} ms   (sha256 + fsync write + one insert + commit)")
    print(f"accept / floor  {ratio:7.2f} x    target <= 2.00  {'OK' if ratio <= 2 else 'MISSED'}")

    rounds = max(5, args.rounds // 3)
    fast = per_second(make_derivatives, data, rounds)
    naive = per_second(naive_derivatives, data, rounds)
    speedup = fast / naive
    print(f"derivatives     {fast:7.2f} /s   (draft decode, display + thumb + phash)")
    print(f"naive           {naive:7.2f} /s   (full decode, resize both)")
    print(
        f"speed-up        {speedup:7.2f} x    target >= 2.00  {'OK' if speedup >= 2 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
