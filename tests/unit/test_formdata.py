"""The in-memory form parser (inspector/formdata.py) against werkzeug's own decoder.

werkzeug's parser is an independent implementation of the same format: for every body below,
both must give the same fields and the same files (name, filename, type, bytes), the same 413s
and the same empty form for a broken body. The bodies are written out by hand, byte for byte.
"""

from __future__ import annotations

import io

import pytest
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request as WerkzeugRequest

from inspector.formdata import InspectorRequest

B = "b0undaryXyZ"


def part(name: str, value: bytes, *, filename: str | None = None, type_: str | None = None,
         disposition: str | None = None) -> bytes:  # fmt: skip
    header = disposition or f'form-data; name="{name}"' + (
        f'; filename="{filename}"' if filename is not None else ""
    )
    lines = [f"--{B}", f"Content-Disposition: {header}"]
    if type_:
        lines.append(f"Content-Type: {type_}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + value + b"\r\n"


def body(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{B}--\r\n".encode()


JPEG_LIKE = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40 + b"\r\n--b0undary" + b"\xff\xd9"

BODIES = {
    "fields and two photos": body(
        part("lat", b"30.123456"),
        part("lon", b"120.5"),
        part("photo", JPEG_LIKE, filename="IMG_1.jpg", type_="image/jpeg"),
        part("photo", JPEG_LIKE[::-1], filename="IMG_2.jpg", type_="image/jpeg"),
    ),
    "chinese text and file name": body(
        part("description", "路边摊占道经营,垃圾满地".encode()),
        part("photo", b"x" * 10, filename="现场照片.jpg", type_="image/jpeg"),
    ),
    "browser form with no file chosen": body(
        part("description", b"no photo"),
        part("photo", b"", filename="", type_="application/octet-stream"),
    ),
    "latin-1 field": body(
        part("note", "café".encode("latin-1"), type_="text/plain; charset=iso-8859-1")
    ),
    "unknown charset falls back to utf-8": body(
        part("note", "é".encode(), type_="text/plain; charset=koi8-r")
    ),
    "repeated names, CRLF inside values": body(
        part("tag", b"a\r\nb"), part("tag", b"\r\n"), part("tag", b"")
    ),
    "preamble and epilogue": b"ignored preamble\r\n" + body(part("a", b"1")) + b"epilogue",
    # werkzeug's test client writes an empty part without the CRLF before the next delimiter
    # (its own decoder reads it as empty; handed to it): an empty value in the middle...
    "empty value without CRLF (werkzeug's test client)": (
        f'--{B}\r\nContent-Disposition: form-data; name="lat"\r\n\r\n'
        f'--{B}\r\nContent-Disposition: form-data; name="long"\r\n\r\n'
        f'--{B}\r\nContent-Disposition: form-data; name="address_string"\r\n\r\n鼓楼社区\r\n'
        f"--{B}--\r\n"
    ).encode(),
    # ... and an empty file at the end.
    "empty file last without CRLF (werkzeug's test client)": (
        f'--{B}\r\nContent-Disposition: form-data; name="lat"\r\n\r\n1\r\n'
        f'--{B}\r\nContent-Disposition: form-data; name="photo"; filename="empty.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n--{B}--\r\n"
    ).encode(),
}


def parsed(cls: type, data: bytes, content_type: str = f"multipart/form-data; boundary={B}"):
    environ = EnvironBuilder(
        method="POST", input_stream=io.BytesIO(data), content_type=content_type,
        content_length=len(data),
    ).get_environ()  # fmt: skip
    request = cls(environ)
    files = [
        (name, f.filename, f.headers.get("Content-Type"), f.stream.read())
        for name, f in request.files.items(multi=True)
    ]
    return list(request.form.items(multi=True)), files


@pytest.mark.parametrize("case", sorted(BODIES))
def test_same_fields_and_files_as_werkzeug(case: str):
    ours = parsed(InspectorRequest, BODIES[case])
    assert ours == parsed(WerkzeugRequest, BODIES[case])
    assert ours[0] or ours[1]  # each body holds something: a blank answer would match too


def test_values_worked_out_by_hand():
    fields, files = parsed(InspectorRequest, BODIES["fields and two photos"])
    assert fields == [("lat", "30.123456"), ("lon", "120.5")]
    assert [(n, fn, t, len(d)) for n, fn, t, d in files] == [
        ("photo", "IMG_1.jpg", "image/jpeg", 4 + 10240 + 12 + 2),
        ("photo", "IMG_2.jpg", "image/jpeg", 10258),
    ]
    assert files[0][3] == JPEG_LIKE  # the boundary-like bytes inside the photo stay in it
    fields, files = parsed(InspectorRequest, BODIES["chinese text and file name"])
    assert fields == [("description", "路边摊占道经营,垃圾满地")]
    assert files[0][1] == "现场照片.jpg"
    assert parsed(InspectorRequest, BODIES["latin-1 field"])[0] == [("note", "café")]
    fields, files = parsed(
        InspectorRequest, BODIES["empty value without CRLF (werkzeug's test client)"]
    )
    assert fields == [("lat", ""), ("long", ""), ("address_string", "鼓楼社区")]
    fields, files = parsed(
        InspectorRequest, BODIES["empty file last without CRLF (werkzeug's test client)"]
    )
    assert (fields, files) == ([("lat", "1")], [("photo", "empty.jpg", "image/jpeg", b"")])


BROKEN = {
    "cut off in a photo": BODIES["fields and two photos"][:5000],
    "no closing boundary": BODIES["fields and two photos"][: -len(f"--{B}--\r\n")],
    "not multipart at all": b"lat=1&lon=2",
    "part without headers' end": f"--{B}\r\nContent-Disposition: form-data; name=a".encode(),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_body_is_an_empty_form_like_werkzeug(case: str):
    assert parsed(InspectorRequest, BROKEN[case]) == ([], [])
    assert parsed(WerkzeugRequest, BROKEN[case]) == ([], [])


def test_missing_boundary_is_an_empty_form():
    data = BODIES["fields and two photos"]
    assert parsed(InspectorRequest, data, "multipart/form-data") == ([], [])


@pytest.mark.parametrize("cls", [InspectorRequest, WerkzeugRequest])
def test_too_many_parts_is_413(cls: type):
    data = body(*(part(f"f{i}", b"1") for i in range(6)))

    class Limited(cls):
        max_form_parts = 5

    with pytest.raises(RequestEntityTooLarge):
        parsed(Limited, data)


@pytest.mark.parametrize("cls", [InspectorRequest, WerkzeugRequest])
def test_field_over_form_memory_is_413(cls: type):
    class Limited(cls):
        max_form_memory_size = 1000

    with pytest.raises(RequestEntityTooLarge):
        parsed(Limited, body(part("description", b"x" * 1001)))


def test_form_memory_limit_is_for_fields_not_photos():
    """A photo is bounded by MAX_CONTENT_LENGTH and the upload checks, not by the text limit
    (werkzeug applies it to its read buffer too, which its 64 KB reads keep under 500 KB)."""

    class Limited(InspectorRequest):
        max_form_memory_size = 1000

    fields, files = parsed(Limited, body(part("photo", b"x" * 5000, filename="a.jpg")))
    assert len(files[0][3]) == 5000
    fields, files = parsed(Limited, body(part("description", b"x" * 1000)))  # at the limit
    assert fields == [("description", "x" * 1000)]


@pytest.mark.parametrize("cls", [InspectorRequest, WerkzeugRequest])
def test_body_shorter_than_its_length_is_a_disconnect(cls: type):
    """The phone's connection dropped: CONTENT_LENGTH promises more than arrives (400)."""
    data = BODIES["fields and two photos"]
    environ = EnvironBuilder(
        method="POST", input_stream=io.BytesIO(data[:1000]),
        content_type=f"multipart/form-data; boundary={B}",
    ).get_environ()  # fmt: skip
    environ["CONTENT_LENGTH"] = str(len(data))
    with pytest.raises(ClientDisconnected):
        cls(environ).form  # noqa: B018 - parsing is the point


@pytest.mark.parametrize("cls", [InspectorRequest, WerkzeugRequest])
def test_body_over_max_content_length_is_413_before_reading(cls: type):
    class Limited(cls):
        max_content_length = 100

    with pytest.raises(RequestEntityTooLarge):
        parsed(Limited, BODIES["fields and two photos"])


def test_body_of_unknown_length_is_read_in_chunks_like_werkzeug():
    """Chunked transfer (no CONTENT_LENGTH, the server marks the input terminated)."""
    data = BODIES["fields and two photos"]
    results = []
    for cls in (InspectorRequest, WerkzeugRequest):
        environ = EnvironBuilder(
            method="POST", input_stream=io.BytesIO(data),
            content_type=f"multipart/form-data; boundary={B}",
        ).get_environ()  # fmt: skip
        del environ["CONTENT_LENGTH"]
        environ["wsgi.input_terminated"] = True
        request = cls(environ)
        results.append(
            (list(request.form.items(multi=True)), [f.read() for f in request.files.values()])
        )
    assert results[0] == results[1]
    assert results[0][0] == [("lat", "30.123456"), ("lon", "120.5")]


@pytest.mark.parametrize("case", sorted(c for c in BODIES if "test client" not in c))
def test_well_formed_bodies_never_reach_werkzeugs_decoder(case: str, monkeypatch):
    """The speed comes from parsing them here: werkzeug's decoder is only the fallback."""

    def refuse(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("werkzeug's decoder used")

    monkeypatch.setattr("werkzeug.formparser.MultiPartParser.parse", refuse)
    assert parsed(InspectorRequest, BODIES[case])[0] or parsed(InspectorRequest, BODIES[case])[1]


UNUSUAL = {
    "preamble and epilogue",
    "empty value without CRLF (werkzeug's test client)",
    "empty file last without CRLF (werkzeug's test client)",
}


@pytest.mark.parametrize("case", sorted(BODIES))
def test_the_in_place_split_reads_as_multipart_does(case: str):
    """`_split` (one copy per part) takes what phones and browsers send and gives `_parts`'s
    answer; the odd bodies it leaves to `_parts`."""
    from inspector.formdata import InMemoryFormDataParser, _Unusual

    parser = InMemoryFormDataParser(max_form_memory_size=500_000, max_form_parts=100)
    data = bytearray(BODIES[case])  # as read_body reads it off the socket

    def shown(result):  # noqa: ANN001, ANN202
        fields, files = result
        kept = [(n, f.filename, f.headers.get("Content-Type"), f.stream.read()) for n, f in files]
        return fields, kept

    if case in UNUSUAL:
        with pytest.raises(_Unusual):
            parser._split(data, B.encode())
    else:
        assert shown(parser._split(data, B.encode())) == shown(parser._parts(data, B.encode()))


@pytest.mark.parametrize(
    "head",
    [
        b'Content-Disposition: form-data; name="a"\r\nContent-Length: 1',  # another header
        b'Content-Disposition: form-data;\r\n name="a"',  # a folded line
        b'Content-Disposition: form-data; name="a"\nContent-Type: text/plain',  # a bare LF
        b'Content-Disposition: attachment; name="a"',  # not a form part
        b"Content-Type: text/plain",  # no disposition
    ],
)
def test_odd_part_headers_go_to_multipart(head: bytes):
    from inspector.formdata import InMemoryFormDataParser, _Unusual

    data = f"--{B}\r\n".encode() + head + f"\r\n\r\n1\r\n--{B}--\r\n".encode()
    with pytest.raises(_Unusual):
        InMemoryFormDataParser()._split(data, B.encode())
    assert parsed(InspectorRequest, data) == parsed(WerkzeugRequest, data)
