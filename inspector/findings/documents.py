"""Tables as printable HTML and as XLSX workbooks (batch and campaign reports share them)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from markupsafe import escape

from ..documents import FONT_FAMILY

# A4 for print and PDF; photos never split across pages.
_STYLE = (
    "@page { size: A4 landscape; margin: 12mm; }"
    f"body {{ font-family: {FONT_FAMILY}; font-size: 9pt; }}"
    "table { border-collapse: collapse; } th, td { padding: 1mm 1.5mm; vertical-align: top; }"
    "tr { page-break-inside: avoid; } img { margin: 0.5mm; }"
)


def table_html(head: Sequence[str], rows: Sequence[Sequence]) -> str:
    """An escaped HTML table; None shows as an empty cell."""

    def row(cells: Sequence, tag: str) -> str:
        return (
            "<tr>"
            + "".join(f"<{tag}>{escape('' if c is None else c)}</{tag}>" for c in cells)
            + "</tr>"
        )

    return "<table border=1>" + row(head, "th") + "".join(row(r, "td") for r in rows) + "</table>"


def page_html(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def workbook(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence]]]) -> bytes:
    """One sheet per (title, header, rows)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, head, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(head))
        for r in rows:
            sheet.append(list(r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
