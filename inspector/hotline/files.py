"""Reading a 12345 platform export: CSV (UTF-8 or GBK) or XLSX, into rows of plain values with
their line numbers. Pure: no Flask, no database."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_ROWS = 20_000


class FileError(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header row...)."""


@dataclass
class Row:
    line: int  # the line (CSV) or sheet row (XLSX) as a spreadsheet program numbers it
    values: dict[str, Any]  # header text -> cell value (str, or datetime/number from XLSX)


def read_rows(data: bytes, filename: str = "") -> tuple[list[str], list[Row]]:
    """(headers, rows) of the first sheet; empty rows are skipped."""
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        table = _xlsx_lines(data)
    else:
        table = _csv_lines(data)
    try:
        header_line, header = next(table)
    except StopIteration:
        raise FileError("文件为空 / the file is empty") from None
    headers = [str(h).strip() if h is not None else "" for h in header]
    rows = []
    for line, cells in table:
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise FileError(f"超过 {MAX_ROWS} 行,请分批导入 / more than {MAX_ROWS} rows")
        values = {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(headers) if h}
        rows.append(Row(line, values))
    return headers, rows


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, else GB18030 (a superset of GBK, what Excel
    on a Chinese Windows saves as "CSV")."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileError("无法识别的文件编码(须为 UTF-8 或 GBK)/ not UTF-8 or GBK text") from exc


def _csv_lines(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    reader = csv.reader(io.StringIO(decode_text(data), newline=""))
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise FileError(f"CSV 格式错误 / malformed CSV: {exc}") from exc


def _xlsx_lines(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileError("无法读取 XLSX 文件 / unreadable XLSX file") from exc
    try:
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        book.close()
