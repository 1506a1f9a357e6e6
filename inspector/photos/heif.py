"""iPhone photos are HEIC: pillow-heif teaches Pillow to open them. Registered once, on import
of the photo modules, so every Image.open in the process can read them."""

from __future__ import annotations

_registered = False


def register() -> None:
    global _registered
    if not _registered:
        import pillow_heif

        pillow_heif.register_heif_opener()
        _registered = True
