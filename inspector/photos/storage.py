"""Where photo bytes live. Keys come only from SHA-256 digests, never from user input.

The local filesystem is the default backend; hosts share it (NFS or similar), so any host can
read an original and make its derivatives. An S3-compatible backend only has to implement
`Storage`; nothing else in the code knows about paths.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

_SHA = re.compile(r"^[0-9a-f]{64}$")
_KEY = re.compile(r"^(originals|derived)/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}(-[a-z]+\.jpg)?$")
TMP_PREFIX = ".tmp-"
TMP_KEY = re.compile(r"^(originals|derived)/[0-9a-f]{2}/[0-9a-f]{2}/\.tmp-[A-Za-z0-9_.-]+$")


class BadKey(ValueError):
    """A key that did not come from `original_key`/`derived_key`: refused, never resolved."""


def _check_sha(sha256: str) -> str:
    if not _SHA.match(sha256):
        raise BadKey(sha256)
    return sha256


def original_key(sha256: str) -> str:
    sha = _check_sha(sha256)
    return f"originals/{sha[:2]}/{sha[2:4]}/{sha}"


def derived_key(sha256: str, variant: str) -> str:
    sha = _check_sha(sha256)
    if not variant.isalpha() or not variant.islower():
        raise BadKey(variant)
    return f"derived/{sha[:2]}/{sha[2:4]}/{sha}-{variant}.jpg"


def check_key(key: str) -> str:
    if not _KEY.match(key):
        raise BadKey(key)
    return key


@dataclass(frozen=True)
class StoredObject:
    key: str
    modified_at: float  # seconds since the epoch


class Storage(Protocol):
    def put(self, key: str, data: bytes, *, durable: bool = True) -> None:
        """Store atomically (readers never see half a file); `durable`: on disk before returning
        (originals, at intake), else derivatives and the like, which can be made again."""

    def open(self, key: str) -> BinaryIO: ...

    def read(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def local_path(self, key: str) -> str | None:
        """A file path when the object is a local file (served with sendfile), else None."""

    def presigned_url(self, key: str) -> str | None:
        """A short-lived URL browsers may fetch the object from directly, or None (local files)."""

    def list(self, prefix: str) -> Iterator[StoredObject]: ...

    def delete_if_older(self, key: str, cutoff: float) -> bool:
        """Delete unless written or re-put since `cutoff`; safe against a concurrent `put`."""

    def check(self) -> None:
        """Raise when the store cannot be used (readyz names it)."""


def from_config(cfg: Mapping[str, Any]) -> Storage:
    """INSPECTOR_STORAGE=local (default, MEDIA_DIR) or s3 (INSPECTOR_S3_*)."""
    kind = str(cfg.get("STORAGE") or "local").lower()
    if kind == "s3":
        from .s3 import from_config as s3_from_config  # boto3 only loaded when used

        return s3_from_config(cfg)
    if kind != "local":
        raise ValueError(f"INSPECTOR_STORAGE must be 'local' or 's3', not {kind!r}")
    root = Path(cfg["MEDIA_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return FileSystemStorage(root)


def _drop_from_cache(fd: int) -> None:
    """Durable objects are originals: written once at intake, read once more for derivatives,
    then hardly ever. Their pages, clean after fsync, leave the page cache at once, so the next
    upload reuses them warm: writing 5.6 MB of fresh page cache per report was the largest
    kernel cost of a photo surge (13 % of the machine; bench/README.md), while the cache keeps
    what is read (derivatives, the database)."""
    if hasattr(os, "posix_fadvise"):  # Linux; not on macOS
        with suppress(OSError):  # only advice: the file is on disk already
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


class FileSystemStorage:
    """Content-addressed files under one root directory (INSPECTOR_MEDIA_DIR)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, *, durable: bool = True) -> None:
        path = self._path(key)
        try:
            # Same key, same bytes (content-addressed). Refresh mtime so that a sweep running
            # right now treats the file as young and keeps it for the row about to be written.
            os.utime(path)
            return
        except FileNotFoundError:
            pass
        self._make_dirs(path.parent, durable)
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                if durable:
                    os.fsync(handle.fileno())
                    _drop_from_cache(handle.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if durable:
            _fsync_dir(path.parent)

    def _make_dirs(self, directory: Path, durable: bool) -> None:
        missing = []
        current = directory
        while not current.exists() and current != current.parent:
            missing.append(current)
            current = current.parent
        directory.mkdir(parents=True, exist_ok=True)
        if durable:
            for made in reversed(missing):  # each new directory's entry lives in its parent
                _fsync_dir(made.parent)

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def local_path(self, key: str) -> str | None:
        path = self._path(key)
        return str(path) if path.is_file() else None

    def presigned_url(self, key: str) -> str | None:
        return None

    def check(self) -> None:
        """The root must exist (a missing NFS mount shows here) and be writable."""
        if not self.root.is_dir():
            raise FileNotFoundError(f"{self.root} is not a directory")
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise PermissionError(f"{self.root} is not writable")

    def list(self, prefix: str) -> Iterator[StoredObject]:
        """Every stored object under prefix, crashed writes' temporary files included."""
        base = self.root / prefix
        if not base.is_dir():
            return
        for dirpath, _dirs, files in os.walk(base):
            for name in files:
                full = Path(dirpath) / name
                try:
                    mtime = full.stat().st_mtime
                except FileNotFoundError:
                    continue
                yield StoredObject(full.relative_to(self.root).as_posix(), mtime)

    def delete_if_older(self, key: str, cutoff: float) -> bool:
        """Move aside first, then look again: a `put` that touched the file just before the
        move shows as a fresh mtime (file restored); one after the move writes a new file."""
        path = self.root / key if TMP_KEY.match(key) else self._path(key)
        aside = path.with_name(f"{TMP_PREFIX}sweep-{path.name}-{time.time_ns()}")
        try:
            os.rename(path, aside)
        except FileNotFoundError:
            return False
        if aside.stat().st_mtime >= cutoff:
            if not path.exists():
                os.rename(aside, path)
            else:
                aside.unlink()
            return False
        aside.unlink()
        return True


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
