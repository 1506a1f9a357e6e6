"""The camera point's evidence sheet: a printable HTML page, and its PDF (the one renderer of
inspector/documents.py, as bulletins use). The PDF embeds the photos themselves, read from storage, so
the printed sheet never depends on a signed link that expires."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select

from ..documents import data_uri, render_pdf
from ..extensions import db
from ..photos.models import Photo
from ..photos.service import display_bytes

_env = Environment(
    loader=PackageLoader("inspector.campaign", "templates"),
    autoescape=select_autoescape(("html",)),
)


def evidence_html(view: dict[str, Any], images: dict[int, str] | None = None) -> str:
    """`images`: photo id -> data: URI to show instead of the signed link (the PDF)."""
    return _env.get_template("evidence.html").render(view=view, images=images or {})


def evidence_pdf(view: dict[str, Any]) -> bytes:
    ids = [s["photo"]["id"] for p in view["problems"] for s in p["photos"]]
    photos = db.session.scalars(select(Photo).where(Photo.id.in_(ids))).all() if ids else []
    images = {photo.id: data_uri(display_bytes(photo)) for photo in photos}
    return render_pdf(evidence_html(view, images))
