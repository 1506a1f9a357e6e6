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
