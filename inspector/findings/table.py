"""A list as rows: XLSX (openpyxl) or CSV (UTF-8 or GBK), header row first, line numbers kept.

Line numbers are what the sender sees in Excel or a text editor, so errors can say "第 7 行".
An XLSX file is itself a ZIP: its unpacked size is checked before openpyxl opens it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..errors import ApiError
from .archive import check_unpacked_size

MAX_ROWS = 5000
MAX_XLSX_UNPACKED = 64 * 1024 * 1024


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line, header -> text); blank rows left out


def bad_file(reason: str) -> ApiError:
    return ApiError(422, "invalid_file", f"清单文件无法读取 / cannot read the list: {reason}")


def cell_text(value: Any) -> str:
    """Excel gives 3.0 for 3 and datetimes for dates: back to what the sender typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def read_table(data: bytes) -> Table:
    """XLSX when the bytes are a ZIP, CSV otherwise. Raises 422 `invalid_file`."""
    lines = _xlsx_lines(data) if data[:4] == b"PK\x03\x04" else _csv_lines(data)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in lines:
        texts = [cell_text(c) for c in cells]
        if not any(texts):
            continue
        if header is None:
            header = texts
            continue
        if len(rows) >= MAX_ROWS:
            raise bad_file(f"超过 {MAX_ROWS} 行 / more than {MAX_ROWS} rows")
        rows.append(
            (line, {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(header) if h})
        )
    if header is None:
        raise bad_file("没有表头 / no header row")
    return Table(header, rows)


def _xlsx_lines(data: bytes):  # noqa: ANN202 - an iterator of (line, cells)
    from openpyxl import load_workbook

    check_unpacked_size(data, MAX_XLSX_UNPACKED, "XLSX")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise bad_file(f"XLSX 格式错误 / broken XLSX ({type(exc).__name__})") from exc
    try:
        sheet = book.worksheets[0]
        return [(i, list(row)) for i, row in enumerate(sheet.iter_rows(values_only=True), 1)]
    except Exception as exc:
        raise bad_file(f"XLSX 格式错误 / broken XLSX ({type(exc).__name__})") from exc
    finally:
        book.close()


def _csv_lines(data: bytes) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise bad_file("编码应为 UTF-8 或 GBK / encoding must be UTF-8 or GBK")
    if "\x00" in text:
        raise bad_file("不是文本文件 / not a text file")
    reader = csv.reader(io.StringIO(text, newline=""))
    out = []
    try:
        for cells in reader:
            out.append((reader.line_num, cells))
    except csv.Error as exc:
        raise bad_file(f"CSV 格式错误 / broken CSV: {exc}") from exc
    return out
