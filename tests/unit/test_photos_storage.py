"""The filesystem store: content-addressed keys only, atomic durable writes, safe sweeping."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from inspector.photos.storage import BadKey, FileSystemStorage, derived_key, original_key

DATA = b"\xff\xd8 pretend photo bytes \xff\xd9"
SHA = hashlib.sha256(DATA).hexdigest()


def test_put_read_exists(tmp_path: Path) -> None:
    store = FileSystemStorage(tmp_path)
    key = original_key(SHA)
    assert key == f"originals/{SHA[:2]}/{SHA[2:4]}/{SHA}"
    assert not store.exists(key) and store.local_path(key) is None
    store.put(key, DATA)
    assert store.local_path(key) == str(tmp_path / key)
    assert store.exists(key) and store.read(key) == DATA
    with store.open(key) as handle:
        assert handle.read() == DATA
    assert [p.name for p in (tmp_path / key).parent.iterdir()] == [SHA]  # no temp file left


@pytest.mark.parametrize(
    "key",
    ["../etc/passwd", "originals/../../x", "/etc/passwd", f"originals/aa/bb/{SHA}/../x", "x"],
)
def test_keys_that_did_not_come_from_a_digest_are_refused(tmp_path: Path, key: str) -> None:
    store = FileSystemStorage(tmp_path)
    with pytest.raises(BadKey):
        store.read(key)
    with pytest.raises(BadKey):
        store.put(key, DATA)


def test_key_builders_refuse_non_digests() -> None:
    with pytest.raises(BadKey):
        original_key("../" + SHA[3:])
    with pytest.raises(BadKey):
        derived_key(SHA, "../x")
    assert derived_key(SHA, "thumb").endswith(f"{SHA}-thumb.jpg")


def test_delete_if_older_keeps_recent_and_repurposed_files(tmp_path: Path) -> None:
    store = FileSystemStorage(tmp_path)
    key = original_key(SHA)
    store.put(key, DATA)
    old = time.time() - 7200
    os.utime(tmp_path / key, (old, old))
    cutoff = time.time() - 3600
    store.put(key, DATA)  # the same photo uploaded again refreshes the file
    assert not store.delete_if_older(key, cutoff)
    assert store.read(key) == DATA
    os.utime(tmp_path / key, (old, old))
    assert store.delete_if_older(key, cutoff)
    assert not store.exists(key)
    assert list(store.list("originals")) == []  # nothing left aside either


def test_list_reports_crashed_temp_files(tmp_path: Path) -> None:
    store = FileSystemStorage(tmp_path)
    store.put(original_key(SHA), DATA)
    leftover = tmp_path / original_key(SHA)
    crashed = leftover.with_name(".tmp-abc123")
    crashed.write_bytes(b"half")
    keys = {obj.key for obj in store.list("originals")}
    assert keys == {original_key(SHA), f"originals/{SHA[:2]}/{SHA[2:4]}/.tmp-abc123"}
    assert store.delete_if_older(f"originals/{SHA[:2]}/{SHA[2:4]}/.tmp-abc123", time.time() + 1)
    assert not crashed.exists()


def _cached_pages(path: Path) -> tuple[int, int]:
    """(pages of the file in the page cache, pages in all), by mincore(2)."""
    import ctypes
    import mmap

    libc = ctypes.CDLL(None, use_errno=True)
    size = path.stat().st_size
    pages = (size + mmap.PAGESIZE - 1) // mmap.PAGESIZE
    vector = (ctypes.c_ubyte * pages)()
    with path.open("rb") as handle:
        mapped = mmap.mmap(handle.fileno(), size, access=mmap.ACCESS_COPY)  # nothing read yet
        start = ctypes.c_char.from_buffer(mapped)
        result = libc.mincore(
            ctypes.c_void_p(ctypes.addressof(start)), ctypes.c_size_t(size), vector
        )
        del start
        mapped.close()
    assert result == 0, ctypes.get_errno()
    return sum(b & 1 for b in vector), pages


def _on_tmpfs(path: Path) -> bool:
    mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    best = max((m for m in mounts if str(path).startswith(m[1])), key=lambda m: len(m[1]))
    return best[2] == "tmpfs"


@pytest.mark.skipif(not hasattr(os, "posix_fadvise"), reason="Linux page cache")
def test_originals_leave_the_page_cache_and_derivatives_stay(tmp_path: Path) -> None:
    if _on_tmpfs(tmp_path):
        pytest.skip("tmpfs keeps its pages: they are the files")
    store = FileSystemStorage(tmp_path)
    original = os.urandom(4 * 1024 * 1024)
    derivative = os.urandom(1024 * 1024)
    store.put(original_key(hashlib.sha256(original).hexdigest()), original, durable=True)
    derived = derived_key(hashlib.sha256(derivative).hexdigest(), "display")
    store.put(derived, derivative, durable=False)
    kept, pages = _cached_pages(tmp_path / original_key(hashlib.sha256(original).hexdigest()))
    assert pages == 1024 and kept == 0
    kept, pages = _cached_pages(tmp_path / derived)
    assert pages == 256 and kept == 256
