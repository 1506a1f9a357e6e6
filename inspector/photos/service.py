"""Photo use cases: accept uploads, warn about mismatched EXIF, make derivatives, serialise.

Services flush and never commit (the view owns the transaction). Originals are written and
fsynced before their row is flushed, so a committed row always has its file; a file whose row
never committed (crash, rollback) is removed later by `sweep` (see cli.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from sqlalchemy import func, or_, select
from werkzeug.datastructures import FileStorage

from ..access.actor import Actor
from ..access.facts import case_facts
from ..access.policy import can_see_case, can_see_original, can_see_report
from ..access.privacy import public_position
from ..errors import ApiError, invalid
from ..extensions import db
from ..timeutil import iso_local
from . import urls
from .checks import Thresholds, first_position, warnings_for
from .derive import VARIANTS, make_derivatives
from .models import Photo
from .similar import hamming, parts
from .storage import Storage, derived_key, original_key
from .storage import from_config as storage_from_config
from .validate import Inspected, inspect_image, invalid_image

MAX_FILES = 9


def storage() -> Storage:
    """The app's photo store (one per app; hosts share MEDIA_DIR or one S3 bucket)."""
    store = current_app.extensions.get("photo_storage")
    if store is None:
        store = storage_from_config(current_app.config)
        current_app.extensions["photo_storage"] = store
    return store


def _read(upload: FileStorage, max_bytes: int) -> bytes:
    # One byte over the limit is enough to know it is too large; never read a huge body whole.
    return upload.stream.read(max_bytes + 1) if upload and upload.stream else b""


@dataclass(frozen=True)
class Upload:
    """A checked upload not stored yet: what its header says, so position, place and time can be
    checked (and the request refused) before any file is written."""

    data: bytes
    info: Inspected

    @property
    def gps_lat(self) -> float | None:
        return self.info.meta.gps_lat

    @property
    def gps_lon(self) -> float | None:
        return self.info.meta.gps_lon

    @property
    def taken_at(self) -> datetime | None:
        return self.info.meta.taken_at


def inspect_uploads(files: list[FileStorage]) -> list[Upload]:
    """Validate every file (one bad file: ApiError) without storing anything."""
    cfg = current_app.config
    max_bytes = int(cfg["MAX_UPLOAD_MB"]) * 1024 * 1024
    # A browser form with no file chosen sends an empty part without a name: not a photo.
    read = [(f.filename, _read(f, max_bytes)) for f in files if f is not None]
    contents = [data for name, data in read if name or data]
    if not 1 <= len(contents) <= MAX_FILES:
        raise invalid(
            f"需要 1 至 {MAX_FILES} 张照片 / 1 to {MAX_FILES} photos are required",
            fields={"photo": [f"1..{MAX_FILES} files"]},
        )
    zone = ZoneInfo(cfg.get("TIMEZONE") or "Asia/Shanghai")
    checked = []
    for index, data in enumerate(contents):
        try:
            info = inspect_image(data, max_bytes, int(cfg["MAX_IMAGE_PIXELS"]), zone)
        except ApiError as exc:
            exc.details.setdefault("photo_index", index)
            raise
        checked.append(Upload(data, info))
    return checked


@dataclass(frozen=True)
class Stored:
    """A checked upload whose original is on durable storage (its row not added yet)."""

    upload: Upload
    sha256: str
    key: str


def put_files(uploads: Sequence[Upload]) -> list[Stored]:
    """Write the originals durably (fsynced) before any row names them.

    Call it last, once everything about the request that can be checked has been: a refused
    request must not leave files behind (anonymous callers could otherwise fill the disk)."""
    store = storage()
    stored = []
    for upload in uploads:
        sha = hashlib.sha256(upload.data).hexdigest()
        key = original_key(sha)
        store.put(key, upload.data, durable=True)  # on disk before the row exists
        stored.append(Stored(upload, sha, key))
    return stored


def add_photo_rows(stored: Sequence[Stored], uploader_id: int | None) -> list[Photo]:
    """Unattached Photo rows for stored originals, added to the session but not flushed: intake
    attaches them to their report and event first, so each row is inserted once."""
    photos = []
    for position, item in enumerate(stored):
        info = item.upload.info
        meta = info.meta
        photo = Photo(
            sha256=item.sha256,
            storage_key=item.key,
            mime=info.mime,
            size_bytes=len(item.upload.data),
            width=info.width,
            height=info.height,
            orientation=meta.orientation,
            taken_at=meta.taken_at,
            taken_at_offset=meta.taken_at_offset,
            gps_lat=meta.gps_lat,
            gps_lon=meta.gps_lon,
            gps_alt=meta.gps_alt,
            gps_direction=meta.gps_direction,
            camera_make=meta.camera_make,
            camera_model=meta.camera_model,
            phash=None,  # filled when the pixels are first decoded (ensure_derivatives)
            position=position,
            uploaded_by_id=uploader_id,
        )
        db.session.add(photo)
        photos.append(photo)
    return photos


def store_uploads(uploads: Sequence[Upload], uploader_id: int | None) -> list[Photo]:
    """Store checked uploads durably and add unattached Photo rows (flushed, not committed);
    see put_files for when to call it."""
    photos = add_photo_rows(put_files(uploads), uploader_id)
    db.session.flush()
    return photos


def accept_uploads(files: list[FileStorage], uploader_id: int | None) -> list[Photo]:
    """Validate every file first (one bad file: ApiError, nothing stored), then store them."""
    return store_uploads(inspect_uploads(files), uploader_id)


def _thresholds() -> Thresholds:
    cfg = current_app.config
    return Thresholds(float(cfg["GPS_MISMATCH_M"]), float(cfg["PHOTO_MAX_AGE_H"]))


def photo_warnings(
    photos: Sequence[Photo | Upload], lat: float | None, lon: float | None, reported_at: datetime
) -> list[dict[str, Any]]:
    """Warnings for dispatchers (gps_mismatch, photo_too_old, photo_time_in_future)."""
    return warnings_for(photos, lat, lon, reported_at, _thresholds())


def position_from_photos(photos: Sequence[Photo | Upload]) -> tuple[float, float] | None:
    """(lat, lon) of the first photo with EXIF GPS: a report without device position may use it."""
    return first_position(photos)


def signed_url(photo: Photo, variant: str) -> str:
    ttl_s = float(current_app.config["PHOTO_URL_TTL_H"]) * 3600
    token = urls.sign(current_app.config["SECRET_KEY"], photo.id, variant, ttl_s)
    return url_for(f"photos.{variant}", photo_id=photo.id, sig=token)


def photo_signer(base_url: str, variant: str = "display") -> Callable[[int], str]:
    """Photo id -> absolute signed URL. Made in the request, used after it (streamed ledgers):
    the route's path is read once from url_for, then only the signature is made per photo."""
    secret = current_app.config["SECRET_KEY"]
    ttl_s = float(current_app.config["PHOTO_URL_TTL_H"]) * 3600
    head, tail = url_for(f"photos.{variant}", photo_id=0).rsplit("/0/", 1)

    def sign(photo_id: int) -> str:
        token = urls.sign(secret, photo_id, variant, ttl_s)
        return f"{base_url}{head}/{photo_id}/{tail}?sig={token}"

    return sign


def photo_json(photo: Photo, *, original_allowed: bool, public: bool) -> dict[str, Any]:
    """Signed URLs: whoever gets this JSON may fetch the derivatives (and, staff, the original).

    `public` (residents, volunteers, token holders): the EXIF position is rounded like every
    other position they see (access.privacy), never the camera's exact fix."""
    gps = None
    if photo.gps_lat is not None and photo.gps_lon is not None:
        lat, lon = photo.gps_lat, photo.gps_lon
        if public:
            lat, lon = public_position(lat, lon)
        gps = {"lat": lat, "lon": lon}
    body: dict[str, Any] = {
        "id": photo.id,
        "url": signed_url(photo, "display"),
        "thumb_url": signed_url(photo, "thumb"),
        "taken_at": iso_local(photo.taken_at),
        "exif_gps": gps,
    }
    if original_allowed:
        body["original_url"] = signed_url(photo, "original")
    return body


def ensure_derivatives(photo: Photo) -> None:
    """Make display + thumbnail if missing (any host can: they share storage) and fill the
    perceptual hash. Changes photo.phash: the caller commits."""
    store = storage()
    keys = {variant: derived_key(photo.sha256, variant) for variant in VARIANTS}
    if photo.phash is not None and all(store.exists(key) for key in keys.values()):
        return
    original = read_original(photo)
    try:
        made = make_derivatives(original)
    except (OSError, ValueError, SyntaxError) as exc:  # pixels broken past what upload checks
        raise invalid_image("无法解码 cannot decode") from exc
    # Derivatives can always be made again: atomic but not fsynced.
    store.put(keys["display"], made.display, durable=False)
    store.put(keys["thumb"], made.thumb, durable=False)
    if photo.phash is None:
        photo.phash = made.phash
        db.session.flush()


def display_bytes(photo: Photo) -> bytes:
    """The display-size JPEG (upright, EXIF-free), made first if missing: what printed evidence
    embeds, read from storage rather than through a signed link."""
    ensure_derivatives(photo)
    try:
        return storage().read(derived_key(photo.sha256, "display"))
    except FileNotFoundError as exc:
        raise missing_file(photo) from exc


def missing_file(photo: Photo) -> ApiError:
    current_app.logger.error("photo %s: stored file %s is missing", photo.id, photo.storage_key)
    return ApiError(404, "photo_file_missing", "照片文件缺失 / Photo file missing")


def read_original(photo: Photo) -> bytes:
    try:
        return storage().read(photo.storage_key)
    except FileNotFoundError as exc:  # should not happen: rows are written after their file
        raise missing_file(photo) from exc


def open_stored(photo: Photo, key: str):  # noqa: ANN201 - a path or a binary file object
    """A local path where there is one (size, ranges, sendfile), else an open stream."""
    store = storage()
    path = store.local_path(key)
    if path is not None:
        return path
    try:
        return store.open(key)
    except FileNotFoundError as exc:
        raise missing_file(photo) from exc


def case_of(photo: Photo):  # noqa: ANN201 - a workflow Case or None (photos sit below workflow)
    if photo.report is not None and photo.report.case is not None:
        return photo.report.case
    if photo.event is not None:
        return photo.event.case
    return None


def may_fetch(actor: Actor, photo: Photo, variant: str) -> bool:
    """For bearer requests without a signature: the same rules as the JSON that hands out URLs."""
    if actor.anonymous:
        return False
    case = case_of(photo)
    facts = case_facts(case) if case is not None else None
    if variant == "original":
        return can_see_original(actor, facts)
    report = photo.report
    if report is not None:  # a report's photo: its reporter, or staff who see the case
        return can_see_report(actor, facts, report.reporter_id == actor.account_id)
    if facts is not None and can_see_case(actor, facts):
        return True
    return photo.event is None and photo.uploaded_by_id == actor.account_id


def unreferenced_shas(shas: set[str]) -> set[str]:
    if not shas:
        return set()
    found: set[str] = set()
    ordered = sorted(shas)
    for start in range(0, len(ordered), 500):
        batch = ordered[start : start + 500]
        found.update(db.session.scalars(select(Photo.sha256).where(Photo.sha256.in_(batch))))
    return shas - found


def same_picture(
    photo: Photo,
    max_distance: int = 6,
    limit: int = 20,
    window: tuple[datetime, datetime] | None = None,
    options: Sequence[Any] = (),
) -> list[Photo]:
    """Other photo rows showing the same picture: identical bytes (SHA-256), or, once the
    perceptual hash is known (after the first view or `photos derive`), a pHash within
    `max_distance` bits, which survives re-encoding, resizing and EXIF edits. Newest first, at
    most `limit`, taken into the system within `window` (from, to) when given; the caller
    decides which of them belong to another case and flags it. `options`: the caller's loader
    options for the rows (their cases, which this layer does not know)."""
    in_window = [Photo.created_at.between(*window)] if window else []
    rows = list(
        db.session.scalars(
            select(Photo)
            .options(*options)
            .where(Photo.sha256 == photo.sha256, Photo.id != photo.id, *in_window)
            .order_by(Photo.id.desc())
            .limit(limit)
        )
    )
    if photo.phash is None or len(rows) >= limit:
        return rows
    seen = {row.id for row in rows} | {photo.id}
    near = _near_ids(photo.phash, max_distance, seen, limit, in_window)
    if near:
        rows += db.session.scalars(select(Photo).options(*options).where(Photo.id.in_(near)))
    return sorted(rows, key=lambda row: row.id, reverse=True)[:limit]


_BATCH = 500


def _near_ids(phash: str, max_distance: int, seen: set[int], limit: int, where: list) -> list[int]:
    """Ids of the newest `limit` photos within `max_distance` bits, read as (id, phash) pairs in
    batches, newest first, until enough are found: a picture sent a thousand times (a bench, a
    common screenshot) and the chance pigeonhole matches (~1 % of all photos) cost a narrow scan,
    not a thousand ORM rows per new photo."""
    found: list[int] = []
    before: int | None = None
    while len(found) < limit:
        query = near_phash_query(phash, max_distance).where(*where)
        if before is not None:
            query = query.where(Photo.id < before)
        batch = db.session.execute(query.order_by(Photo.id.desc()).limit(_BATCH)).all()
        found += [
            row.id
            for row in batch
            if row.id not in seen and hamming(row.phash, phash) <= max_distance
        ]
        if len(batch) < _BATCH:
            break
        before = batch[-1].id
    return found[:limit]


def near_phash_query(phash: str, max_distance: int):  # noqa: ANN201 - a Select
    """(id, phash) of the candidates sharing one pigeonhole run (plain substr: same on SQLite and
    PostgreSQL); the caller checks the exact distance."""
    conditions = [
        func.substr(Photo.phash, start, length) == digits
        for start, length, digits in parts(phash, max_distance)
    ]
    return select(Photo.id, Photo.phash).where(Photo.phash.is_not(None), or_(*conditions))
