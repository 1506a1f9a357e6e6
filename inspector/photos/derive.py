"""Display size and thumbnail: upright, JPEG, with no EXIF/GPS/XMP. The only images anyone but
staff can fetch. Fast because JPEGs are decoded DCT-scaled (`draft`): libjpeg skips most of
the inverse DCT and hands out a 1/2, 1/4 or 1/8 image, never smaller than we need."""

from __future__ import annotations

import io
from dataclasses import dataclass

import imagehash
from PIL import Image

from .exif import UPRIGHT_OPS, orientation_of, upright_size
from .heif import register as register_heif

register_heif()

DISPLAY_MAX = 1280
THUMB_MAX = 320
VARIANTS = {"display": DISPLAY_MAX, "thumb": THUMB_MAX}
JPEG_QUALITY = {"display": 82, "thumb": 75}
REDUCING_GAP = 3.0  # box-reduce no further than 3x the target, then LANCZOS (as Pillow advises)
BAND_ROWS = 512  # rows converted at a time when a full-size image must be reduced


@dataclass(frozen=True)
class Derived:
    display: bytes
    thumb: bytes
    phash: str


def make_derivatives(original: bytes) -> Derived:
    """Both sizes from one decode; the thumbnail is made from the display image (cheap), and
    the perceptual hash from the upright display image (so a re-sent picture matches however
    its EXIF orientation was written)."""
    with Image.open(io.BytesIO(original)) as image:
        orientation = orientation_of(image.getexif().get(0x0112))
        if image.format in ("JPEG", "MPO"):
            target_w, target_h = _fit(*upright_size(*image.size, orientation), DISPLAY_MAX)
            stored_w, stored_h = upright_size(target_w, target_h, orientation)
            image.draft("RGB", (stored_w, stored_h))  # largest DCT scale still >= target
        icc = image.info.get("icc_profile")
        display = _shrink(_upright(_reduced_rgb(image), orientation), DISPLAY_MAX)
        if display is image:  # already small and RGB: keep it past the file's closing
            display = image.copy()
    thumb = _shrink(display, THUMB_MAX)
    return Derived(
        display=_jpeg(display, JPEG_QUALITY["display"], icc),
        thumb=_jpeg(thumb, JPEG_QUALITY["thumb"], icc),
        phash=str(imagehash.phash(thumb)),
    )


def warm() -> None:
    """Load what the first derivative needs, once: imagehash imports scipy's FFT (about 0.3 s of
    CPU). The job worker calls this before it forks a work horse per job; otherwise every job
    imported it again in its short-lived child, which cost more than the photos themselves."""
    sample = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 120, 150)).save(sample, "JPEG")
    make_derivatives(sample.getvalue())


def _fit(width: int, height: int, limit: int) -> tuple[int, int]:
    scale = min(1.0, limit / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _reduced_rgb(image: Image.Image) -> Image.Image:
    """RGB pixels, box-reduced by the integer factor that still leaves >= 3x the display size
    (what `_shrink`'s reducing_gap would do, only earlier).

    PNG, WebP and HEIC cannot be decoded at a smaller scale, so the full image is decoded once;
    every further step (alpha flattened on white, mode conversion, reduction) runs on bands of
    rows, so the only full-size buffer is the decoded one. (Converting the whole picture at
    once cost two or three more full-size copies: an 8,900 x 8,900 RGBA PNG took +600 MB.)
    """
    image.load()  # decodes (DCT-scaled when drafted)
    width, height = image.size
    factor = max(1, int(max(width, height) // (DISPLAY_MAX * REDUCING_GAP)))
    if image.mode == "RGB":
        return image.reduce(factor) if factor > 1 else image
    out = Image.new("RGB", (-(-width // factor), -(-height // factor)))
    band = factor * max(1, BAND_ROWS // factor)
    for top in range(0, height, band):
        rows = image.crop((0, top, width, min(height, top + band)))
        out.paste(_rgb(rows).reduce(factor), (0, top // factor))
    return out


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))  # screenshots: white behind alpha
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    for op in UPRIGHT_OPS.get(orientation, ()):
        image = image.transpose(Image.Transpose(op))
    return image


def _shrink(image: Image.Image, limit: int) -> Image.Image:
    width, height = _fit(*image.size, limit)
    if (width, height) == image.size:
        return image
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def _jpeg(image: Image.Image, quality: int, icc: bytes | None) -> bytes:
    """A fresh image (no info carried over), saved with nothing but pixels and colour profile."""
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    out = io.BytesIO()
    options = {"icc_profile": icc} if icc else {}
    clean.save(out, "JPEG", quality=quality, optimize=False, progressive=False, **options)
    return out.getvalue()
