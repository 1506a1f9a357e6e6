"""Reading a request body straight from gunicorn's socket (inspector/formdata.read_body).

gunicorn's own objects (Body, LengthReader, SocketUnreader) over a real socket pair, in the
states its HTTP parser leaves them in: part of the body already buffered, the start of a
pipelined next request in the same buffer, a body sent in pieces, a client hanging up. Each
expected value is the bytes the test itself sent.
"""

from __future__ import annotations

import io
import os
import socket
import threading
import time

import pytest
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.unreader import SocketUnreader

from inspector.formdata import read_body

NEXT_REQUEST = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.fixture
def pair():
    server, client = socket.socketpair()
    server.settimeout(5)  # a wrong read fails instead of hanging
    yield server, client
    server.close()
    client.close()


def gunicorn_input(sock: socket.socket, length: int, ahead: bytes = b"") -> dict:
    """What gunicorn puts in the environ; `ahead`: bytes its parser read past the headers."""
    unreader = SocketUnreader(sock)
    if ahead:
        unreader.unread(ahead)
    return {"wsgi.input": Body(LengthReader(unreader, length)), "gunicorn.socket": sock}


def send_later(sock: socket.socket, pieces: list[bytes], pause: float = 0.02) -> threading.Thread:
    def run() -> None:
        for piece in pieces:
            time.sleep(pause)
            sock.sendall(piece)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_body_after_the_bytes_already_buffered_and_the_next_request_kept(pair):
    server, client = pair
    body = os.urandom(3_000_000)
    # gunicorn's parser took the first 8 KB off the socket with the headers.
    environ = gunicorn_input(server, len(body), ahead=body[:8192])
    sender = send_later(client, [body[8192:] + NEXT_REQUEST])
    got = read_body(environ, len(body))
    sender.join()
    assert bytes(got) == body
    stream = environ["wsgi.input"]
    assert stream.reader.length == 0 and stream.read() == b""  # nothing left to drain
    assert stream.reader.unreader.read() == NEXT_REQUEST  # the next request, untouched


def test_pipelined_request_inside_the_buffer_is_left_for_gunicorn(pair):
    server, _client = pair
    body = b"lat=30.1&lon=120.2"
    environ = gunicorn_input(server, len(body), ahead=body + NEXT_REQUEST)
    assert bytes(read_body(environ, len(body))) == body
    assert environ["wsgi.input"].reader.unreader.read() == NEXT_REQUEST


def test_body_sent_in_small_pieces(pair):
    server, client = pair
    body = os.urandom(200_000)
    pieces = [body[i : i + 7_000] for i in range(0, len(body), 7_000)]
    environ = gunicorn_input(server, len(body))
    sender = send_later(client, pieces, pause=0.001)
    got = read_body(environ, len(body))
    sender.join()
    assert bytes(got) == body


def test_after_a_small_read_the_rest_comes_whole(pair):
    """Bytes gunicorn's Body holds from an earlier read are not read twice or lost."""
    server, client = pair
    body = os.urandom(100_000)
    environ = gunicorn_input(server, len(body), ahead=body[:4096])
    client.sendall(body[4096:])
    first = environ["wsgi.input"].read(10)  # Body keeps the rest of its 1 KB step
    assert first == body[:10]
    assert bytes(read_body(environ, len(body) - 10)) == body[10:]


def test_client_hanging_up_gives_a_short_body(pair):
    server, client = pair
    environ = gunicorn_input(server, 50_000)
    client.sendall(b"x" * 1_000)
    client.shutdown(socket.SHUT_WR)
    assert bytes(read_body(environ, 50_000)) == b"x" * 1_000


def test_a_failed_read_marks_the_connection_unusable(pair):
    server, client = pair
    environ = gunicorn_input(server, 50_000)
    server.settimeout(0.05)  # nothing arrives: the read raises
    with pytest.raises(TimeoutError):
        read_body(environ, 50_000)
    assert environ["wsgi.input"].failed  # gunicorn closes it instead of parsing garbage next


def test_other_servers_read_through_wsgi_input():
    body = b"abc" * 1000
    assert read_body({"wsgi.input": io.BytesIO(body + b"more")}, len(body)) == body
