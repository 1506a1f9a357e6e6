"""Serving photos. A valid `sig` (signed URL from photo_json) is enough, without login: <img>
cannot send a bearer token. Without `sig`, a bearer token and the access policy decide.
Anything not visible answers 404, so ids cannot be probed."""

from __future__ import annotations

from flask import current_app, redirect, request, send_file
from flask_smorest import Blueprint

from ..access.auth import current_actor, public
from ..apidoc import BINARY, answers_in
from ..errors import ApiError, not_found
from ..extensions import db
from . import urls
from .models import Photo
from .service import ensure_derivatives, may_fetch, open_stored, storage
from .storage import derived_key

blp = Blueprint("photos", __name__, description="照片 / Photos")

# Derivatives are keyed by the original's SHA-256: their bytes never change for a URL's photo.
DERIVED_CACHE = "private, max-age=604800, immutable"
ORIGINAL_CACHE = "private, max-age=3600"
_EXT = {"image/jpeg": "jpg", "image/png": "png", "image/heic": "heic", "image/webp": "webp"}


def _photo_for(photo_id: int, variant: str) -> Photo:
    token = request.args.get("sig")
    if token is not None:
        problem = urls.verify(current_app.config["SECRET_KEY"], token, photo_id, variant)
        if problem == "expired":
            raise ApiError(403, "signature_expired", "链接已过期,请刷新 / Link expired, reload")
        if problem:
            raise ApiError(403, "invalid_signature", "链接签名无效 / Invalid link signature")
        photo = db.session.get(Photo, photo_id)
        if photo is None:
            raise not_found("照片 / Photo")
        return photo
    actor = current_actor()
    if actor.anonymous:
        raise ApiError(401, "unauthorized", "需要登录或签名链接 / Login or signed link required")
    photo = db.session.get(Photo, photo_id)
    if photo is None or not may_fetch(actor, photo, variant):
        raise not_found("照片 / Photo")
    return photo


def _answers(*content_types: str):  # noqa: ANN202 - a decorator
    """The photo views' answers: the bytes, or a redirect to the object store, or 304; 401
    without a token or signature, 403 for a bad or expired signature."""
    image = answers_in(blp, dict.fromkeys(content_types, BINARY))
    moved = blp.alt_response(302, description="对象存储的临时地址 / presigned URL", success=True)
    same = blp.alt_response(304, description="未修改 / not modified (ETag)", success=True)
    refused = (blp.alt_response(401, "UNAUTHORIZED"), blp.alt_response(403, "FORBIDDEN"))

    def decorate(view):  # noqa: ANN001, ANN202
        for document in (image, moved, same, *refused):
            view = document(view)
        return view

    return decorate


def _redirect(location: str):
    """302 to a presigned URL valid for S3_URL_TTL_S. The redirect itself may be reused for
    half of that, so a list of thumbnails reloaded within minutes hits the browser cache."""
    response = redirect(location, code=302)
    max_age = max(int(current_app.config["S3_URL_TTL_S"]) // 2, 0)
    response.headers["Cache-Control"] = f"private, max-age={max_age}"
    return response


def _send(stream, mimetype: str, etag: str, cache: str, filename: str | None = None):  # noqa: ANN001
    response = send_file(
        stream, mimetype=mimetype, etag=etag, conditional=True, download_name=filename
    )
    response.headers["Cache-Control"] = cache
    response.headers.pop("Expires", None)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if filename:
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _derived(photo_id: int, variant: str):
    photo = _photo_for(photo_id, variant)
    ensure_derivatives(photo)  # a first decode also computes the perceptual hash (committed)
    key = derived_key(photo.sha256, variant)
    direct = storage().presigned_url(key)
    if direct is not None:  # object store: the browser fetches the bytes from it directly
        return _redirect(direct)
    stream = open_stored(photo, key)
    return _send(stream, "image/jpeg", f"{photo.sha256}-{variant}", DERIVED_CACHE)


@blp.route("/photos/<int:photo_id>/display.jpg", methods=["GET"])
@public("<img> cannot send a token: a signed URL suffices; otherwise bearer + policy")
@_answers("image/jpeg")
def display(photo_id: int):
    """Display size (≤1280 px), upright, no EXIF. Made on first request, then cached. With
    S3 storage: 302 to a short-lived presigned URL of the object."""
    return _derived(photo_id, "display")


@blp.route("/photos/<int:photo_id>/thumb.jpg", methods=["GET"])
@public("<img> cannot send a token: a signed URL suffices; otherwise bearer + policy")
@_answers("image/jpeg")
def thumb(photo_id: int):
    """Thumbnail (≤320 px), upright, no EXIF."""
    return _derived(photo_id, "thumb")


@blp.route("/photos/<int:photo_id>/original", methods=["GET"])
@public("signed original URLs are only issued to staff; otherwise bearer + policy")
@_answers(*_EXT)
def original(photo_id: int):
    """The untouched original (EXIF and GPS included): staff who may see the case only."""
    photo = _photo_for(photo_id, "original")
    name = f"{photo.sha256}.{_EXT.get(photo.mime, 'bin')}"
    stream = open_stored(photo, photo.storage_key)
    return _send(stream, photo.mime, photo.sha256, ORIGINAL_CACHE, name)
