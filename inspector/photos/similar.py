"""Perceptual-hash arithmetic, pure. pHash is 64 bits written as 16 hex digits."""

from __future__ import annotations

HEX_DIGITS = 16


def hamming(a: str | None, b: str | None) -> int:
    """Bits that differ; unknown or malformed hashes count as completely different."""
    if a is None or b is None or len(a) != len(b):
        return 64
    try:
        return (int(a, 16) ^ int(b, 16)).bit_count()
    except ValueError:
        return 64


def parts(phash: str, max_distance: int) -> list[tuple[int, int, str]]:
    """Pigeonhole split into max_distance + 1 runs of hex digits: a hash at most max_distance
    bits away agrees exactly with at least one run (each differing bit spoils one run only).
    Returns (start, length, digits) with 1-based start, as SQL substr wants."""
    count = max(1, min(HEX_DIGITS, max_distance + 1))
    bounds = [round(i * HEX_DIGITS / count) for i in range(count + 1)]
    return [(lo + 1, hi - lo, phash[lo:hi]) for lo, hi in zip(bounds, bounds[1:], strict=False)]
