"""multipart/form-data bodies parsed in memory with `multipart` instead of werkzeug's decoder.

Why: a photo report carries 3-9 MB of JPEG. werkzeug's pure-Python decoder takes ~10 ms of CPU
for two 2.8 MB photos and spools every file over 500 KB to a temporary file on disk, read back
at once by intake; an intake costs ~36 ms of CPU in-process (bench/README.md, load). Here the
boundaries are found with `bytes.find`: a body as phones and browsers write it is split in the
buffer read off the socket (`_split`, one copy of each part: ~1.4 ms for the same body), any
other with the `multipart` push parser (~2 ms), and what that does not read cleanly by werkzeug.

Files stay in memory (`io.BytesIO`): MAX_CONTENT_LENGTH bounds a body (nine photos), and intake
reads every photo whole anyway to check it. What the rest of the app sees does not change:
`request.form` and `request.files` (FileStorage) as before, the same limits (MAX_CONTENT_LENGTH,
MAX_FORM_PARTS and MAX_FORM_MEMORY_SIZE: 413) and, as werkzeug does for any request, a malformed
body parses as an empty form (the view then names the missing fields).
"""

from __future__ import annotations

import io
from typing import IO, Any

from flask import Request
from multipart import (
    MultipartError,
    MultipartSegment,
    ParserLimitReached,
    PushMultipartParser,
    parse_content_disposition,
    parse_options_header,
)
from werkzeug.datastructures import FileStorage, Headers
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

try:  # the production server (deploy/gunicorn.conf.py); any other server reads through wsgi.input
    from gunicorn.http.body import Body as _GunicornBody
    from gunicorn.http.body import LengthReader as _GunicornLength
except ImportError:  # pragma: no cover - gunicorn is a dependency
    _GunicornBody = _GunicornLength = None

_CHARSETS = {"ascii", "us-ascii", "utf-8", "iso-8859-1"}  # werkzeug's safe list; else UTF-8
_MAX_HEADER_COUNT = 16  # a form part has 1-3 headers (RFC 7578)


class _Unusual(Exception):
    """A body the fast parser does not read the way werkzeug does: werkzeug decides."""


class InMemoryFormDataParser(FormDataParser):
    """werkzeug's FormDataParser with the multipart step replaced (see module doc).

    Only well-formed bodies (what browsers, phone HTTP libraries and curl send) are parsed here.
    Anything else goes to werkzeug's own decoder, so no odd body is read differently than
    before: a broken body (werkzeug: an empty form), and an empty part whose headers' blank line
    is followed by the delimiter without its CRLF, as werkzeug's own test client writes them,
    which `multipart` would read as part of the value."""

    def _parse_multipart(
        self,
        stream: IO[bytes],
        mimetype: str,
        content_length: int | None,
        options: dict[str, str],
    ) -> tuple[IO[bytes], Any, Any]:
        boundary = options.get("boundary", "")
        if not boundary:
            raise ValueError("Missing boundary")
        # MAX_CONTENT_LENGTH bounds the body: a chunked one through werkzeug's limited stream.
        if isinstance(stream, HeldBody):
            body: bytes | bytearray = stream.body
        else:
            body = stream.getvalue() if isinstance(stream, io.BytesIO) else stream.read()
        try:
            try:
                fields, files = self._split(body, boundary.encode("ascii"))
            except _Unusual:
                fields, files = self._parts(body, boundary.encode("ascii"))
        except ParserLimitReached as exc:
            raise RequestEntityTooLarge() from exc
        except (MultipartError, UnicodeError, _Unusual):
            return super()._parse_multipart(io.BytesIO(body), mimetype, len(body), options)
        return stream, self.cls(fields), self.cls(files)

    def _split(
        self, body: bytes | bytearray, boundary: bytes
    ) -> tuple[list[tuple[str, str]], list[tuple[str, FileStorage]]]:
        """The body as phones and browsers write it, split in place: `bytes.find` of each
        delimiter and one copy of each part's bytes (`_parts` copies every photo twice, and the
        whole body once more before it). Anything else about the body (a preamble, other part
        headers, a folded header line, a bare LF) is `_Unusual`: `_parts` reads it instead, so
        the answer is always `multipart`'s."""
        fields: list[tuple[str, str]] = []
        files: list[tuple[str, FileStorage]] = []
        opening, closing = b"--" + boundary, b"\r\n--" + boundary
        if not body.startswith(opening + b"\r\n"):
            raise _Unusual  # a preamble, or not this boundary
        view, pos, count = memoryview(body), len(opening) + 2, 0
        while True:
            head_end = body.find(b"\r\n\r\n", pos, pos + _MAX_HEAD)
            if head_end < 0 or body.startswith(b"\r\n", pos):
                raise _Unusual  # no headers, or longer than a phone ever writes
            part = _Part.of(bytes(view[pos:head_end]))
            start = head_end + 4
            end = body.find(closing, start)
            if end < 0 or body.startswith(opening, start):
                raise _Unusual  # unterminated, or werkzeug's test client's empty part (above)
            count += 1
            if self.max_form_parts and count > self.max_form_parts:
                raise RequestEntityTooLarge()
            data = bytes(view[start:end])
            if part.filename is None:
                if self.max_form_memory_size and len(data) > self.max_form_memory_size:
                    raise RequestEntityTooLarge()
                fields.append((part.name, _text(part, data)))
            else:
                files.append((part.name, _file(part, data)))
            pos = end + len(closing) + 2
            tail = body[pos - 2 : pos]
            if tail == b"--":
                view.release()
                return fields, files  # anything after the last delimiter is ignored
            if tail != b"\r\n":
                raise _Unusual

    def _parts(
        self, body: bytes, boundary: bytes
    ) -> tuple[list[tuple[str, str]], list[tuple[str, FileStorage]]]:
        fields: list[tuple[str, str]] = []
        files: list[tuple[str, FileStorage]] = []
        field_limit = self.max_form_memory_size
        delimiter = b"--" + boundary
        segment: MultipartSegment | None = None
        chunks: list[bytes] = []
        size = 0
        parser = PushMultipartParser(
            boundary,
            len(body),
            max_header_count=_MAX_HEADER_COUNT,
            max_segment_count=self.max_form_parts or float("inf"),
        )
        with parser:
            for event in (*parser.parse(body), *parser.parse(b"")):
                if isinstance(event, MultipartSegment):
                    segment, chunks, size = event, [], 0
                elif event is not None:
                    if not chunks and event.startswith(delimiter):
                        raise _Unusual  # an empty part without the CRLF before the delimiter
                    size += len(event)
                    if segment.filename is None and field_limit and size > field_limit:
                        raise RequestEntityTooLarge()
                    chunks.append(event)
                elif segment.filename is None:
                    fields.append((segment.name or "", _text(segment, b"".join(chunks))))
                else:
                    files.append((segment.name or "", _file(segment, b"".join(chunks))))
        return fields, files


_MAX_HEAD = 4096  # bytes of one part's headers (multipart's own limit per header line)
_HEADER_NAMES = {"content-disposition": "Content-Disposition", "content-type": "Content-Type"}


class _Part:
    """A part's headers, read as `multipart` reads them (its header parsers, names title-cased,
    values stripped of leading blanks), for the two headers a form part has; `_Unusual` else."""

    __slots__ = ("charset", "filename", "headerlist", "name")

    def __init__(self, headerlist: list[tuple[str, str]]) -> None:
        self.headerlist = headerlist
        self.name, self.filename, self.charset = "", None, None
        disposition = None
        for key, value in headerlist:
            if key == "Content-Disposition":
                disposition, name, self.filename = parse_content_disposition(value)
                self.name = name or ""
            else:
                self.charset = parse_options_header(value)[1].get("charset")
        if disposition != "form-data":
            raise _Unusual

    @classmethod
    def of(cls, head: bytes) -> _Part:
        headerlist = []
        for line in head.decode("utf-8").split("\r\n"):
            key, colon, value = line.partition(":")
            name = _HEADER_NAMES.get(key.strip().lower())
            if not colon or name is None or "\n" in line or "\r" in line or line[:1] in " \t":
                raise _Unusual  # another header, a folded line or a bare line break
            if any(name == seen for seen, _ in headerlist):
                raise _Unusual
            headerlist.append((name, value.lstrip(" \t")))
        return cls(headerlist)


class HeldBody(io.RawIOBase):
    """A request body read whole (`read_body`): parsed where it lies, copied only if read."""

    def __init__(self, body: bytes | bytearray) -> None:
        super().__init__()
        self.body = body
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # noqa: ANN401 - a writable buffer
        n = max(0, min(len(buffer), len(self.body) - self._pos))
        buffer[:n] = self.body[self._pos : self._pos + n]
        self._pos += n
        return n


def _text(segment: MultipartSegment | _Part, data: bytes) -> str:
    """A field's value in its part's charset when werkzeug would use it, else UTF-8."""
    charset = (segment.charset or "").lower()
    return data.decode(charset if charset in _CHARSETS else "utf-8", "replace")


def _file(segment: MultipartSegment | _Part, data: bytes) -> FileStorage:
    return FileStorage(
        io.BytesIO(data),
        filename=segment.filename,
        name=segment.name,
        headers=Headers(segment.headerlist),
    )


class InspectorRequest(Request):
    """Flask's request with the in-memory form parser (OwnedApp.request_class)."""

    form_data_parser_class = InMemoryFormDataParser

    def _get_stream_for_parsing(self) -> IO[bytes]:
        """A multipart body of known length is read from the server in one call, then parsed
        in one pass: werkzeug's limited stream copies every chunk twice more (a bytearray, then
        bytes); reading the body was 12 % of gunicorn's Python samples in a photo surge
        (bench/README.md). The same checks as that stream: at
        most MAX_CONTENT_LENGTH (413), never past CONTENT_LENGTH, a short body a disconnect."""
        length = self.content_length  # None when chunked
        if (
            self.mimetype != "multipart/form-data"
            or length is None
            or "stream" in self.__dict__  # the view read the stream already
            or getattr(self, "_cached_data", None) is not None
        ):
            return super()._get_stream_for_parsing()
        if self.max_content_length is not None and length > self.max_content_length:
            raise RequestEntityTooLarge()
        body = read_body(self.environ, length) if length else b""
        if len(body) < length:
            raise ClientDisconnected()
        return HeldBody(body)


def read_body(environ: dict, length: int) -> bytes | bytearray:
    """`length` bytes of the request body (fewer when the client hung up).

    Under gunicorn, straight from its socket into one buffer (`recv_into`), after the bytes its
    parser read ahead: gunicorn's `Body.read` hands a large body through two BytesIO buffers and
    their slices, five copies of every byte, which cost 7 ms of CPU per 5.6 MB body against 2 ms
    this way (bench/README.md). Any other server, or a body gunicorn does not frame by length
    (chunked, HTTP/2), is read through `wsgi.input`.
    """
    stream = environ["wsgi.input"]
    sock = environ.get("gunicorn.socket")
    if (
        _GunicornBody is None
        or sock is None
        or type(stream) is not _GunicornBody
        or type(stream.reader) is not _GunicornLength
    ):
        return stream.read(length)
    try:
        return _from_socket(stream, sock, length)
    except Exception:
        stream.failed = True  # where the next request starts is unknown: gunicorn closes
        raise


def _from_socket(body: Any, sock: Any, length: int) -> bytearray:
    """Read as gunicorn's own readers would, and leave them as they would be left: the body's
    bytes taken from their buffers and their count, anything after the body (a pipelined next
    request) kept for gunicorn's parser."""
    reader = body.reader
    out = bytearray(length)
    view = memoryview(out)
    held = body.buf.getvalue()  # read ahead by Body itself: already off the reader's count
    pos = min(len(held), length)
    view[:pos] = held[:pos]
    body.buf = _buffered(held[pos:])
    held = reader.unreader.buf.getvalue()  # may run past the body, into the next request
    take = min(len(held), length - pos, reader.length)
    view[pos : pos + take] = held[:take]
    reader.unreader.buf = _buffered(held[take:])
    pos += take
    reader.length -= take
    while pos < length and reader.length > 0:
        received = sock.recv_into(view[pos:], min(length - pos, reader.length))
        if not received:
            break
        pos += received
        reader.length -= received
    view.release()
    del out[pos:]
    return out


def _buffered(data: bytes) -> io.BytesIO:
    """A gunicorn read-ahead buffer holding `data`, positioned at its end as gunicorn keeps them."""
    buffer = io.BytesIO()
    buffer.write(data)
    return buffer
