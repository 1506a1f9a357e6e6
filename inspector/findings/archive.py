"""The photos ZIP beside a findings list, read in memory and never unpacked to disk.

Guards: entry count, the declared unpacked size of each entry and of the whole archive, the
compression ratio (zip bombs), encrypted entries, and names that climb out of the archive
(`../`, absolute paths, drive letters). Entries are read with a byte limit, since the sizes in
a ZIP header are only claims.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib

from ..errors import ApiError

MAX_ENTRIES = 2000
MAX_TOTAL_UNPACKED = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # JPEGs hardly compress; a 200:1 entry is a bomb, not a photo


def bad_archive(reason: str, entry: str | None = None) -> ApiError:
    details = {"entry": entry} if entry is not None else None
    return ApiError(
        422, "invalid_archive", f"照片压缩包无法使用 / photos ZIP refused: {reason}", details
    )


def _open(data: bytes, what: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise bad_archive(f"{what} 不是有效的 ZIP / not a valid ZIP") from exc


def check_unpacked_size(data: bytes, limit: int, what: str) -> None:
    """Refuse a ZIP-based file (XLSX too) whose declared unpacked size or ratio is a bomb."""
    with _open(data, what) as archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise bad_archive(f"{what} 条目过多 / too many entries")
        total = sum(i.file_size for i in infos)
        if total > limit or any(_bomb(i) for i in infos):
            raise ApiError(413, "file_too_large", f"{what} 解压后过大 / {what} unpacks too large")


def _bomb(info: zipfile.ZipInfo) -> bool:
    return info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)


_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe(name: str) -> bool:
    unix = name.replace("\\", "/")
    return (
        unix.startswith("/")
        or bool(_DRIVE.match(unix))
        or ".." in unix.split("/")
        or "\x00" in name
    )


class PhotoArchive:
    """Photos by file name: the exact name inside the ZIP, or its base name when unique."""

    def __init__(self, data: bytes, max_entry_bytes: int) -> None:
        self.max_entry_bytes = max_entry_bytes
        self._zip = _open(data, "照片压缩包")
        infos = [i for i in self._zip.infolist() if not i.is_dir()]
        if len(infos) > MAX_ENTRIES:
            raise bad_archive(f"超过 {MAX_ENTRIES} 个文件 / more than {MAX_ENTRIES} files")
        if sum(i.file_size for i in infos) > MAX_TOTAL_UNPACKED:
            raise ApiError(
                413, "file_too_large", "照片压缩包解压后过大 / photos ZIP unpacks too large"
            )
        self._by_name: dict[str, zipfile.ZipInfo] = {}
        by_base: dict[str, list[zipfile.ZipInfo]] = {}
        for info in infos:
            if _unsafe(info.filename):
                raise bad_archive("文件名含路径跳转 / entry name leaves the archive", info.filename)
            if info.flag_bits & 0x1:
                raise bad_archive("含加密文件 / encrypted entry", info.filename)
            if _bomb(info):
                raise bad_archive("压缩比异常(疑似压缩炸弹)/ zip bomb suspected", info.filename)
            self._by_name[info.filename] = info
            by_base.setdefault(posixpath.basename(info.filename.replace("\\", "/")), []).append(
                info
            )
        for base, found in by_base.items():
            if len(found) == 1:
                self._by_name.setdefault(base, found[0])

    def read(self, name: str) -> bytes | None:
        """The entry's bytes (at most max_entry_bytes + 1 of them), or None when absent."""
        info = self._by_name.get(name)
        if info is None:
            return None
        try:
            with self._zip.open(info) as stream:
                return stream.read(self.max_entry_bytes + 1)
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            zlib.error,
            OSError,
            EOFError,
            RuntimeError,
        ) as exc:
            raise bad_archive(f"文件损坏 / corrupt entry ({type(exc).__name__})", name) from exc

    def close(self) -> None:
        self._zip.close()
