"""The client's connection pool over real sockets on loopback: reuse, limits, idle connections the server
closed, compressed answers, and errors in httpx's terms (which the client's retry rules are written in)."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest

from frontdesk.servicetitan.transport import PooledTransport

LIMITS = httpx.Limits(max_connections=4, max_keepalive_connections=4, keepalive_expiry=30)


@dataclass
class Server:
    """A small HTTP/1.1 server: answers every request with its path, keeps connections alive, and can
    close the idle ones or stall before answering."""

    port: int = 0
    connections: int = 0
    open_now: int = 0
    most_open: int = 0
    requests: list[str] = field(default_factory=list)
    close_after_answer: bool = False
    delay: float = 0.0
    drop_unanswered: set[str] = field(default_factory=set)  # requests read, then the connection closed
    gzip: bool = False
    writers: set[asyncio.StreamWriter] = field(default_factory=set)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        self.writers.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode().split("\r\n")
                method, path, _ = lines[0].split(" ")
                length = next(
                    (int(line.split(":")[1]) for line in lines if line.lower().startswith("content-length")),
                    0,
                )
                if length:
                    await reader.readexactly(length)
                self.requests.append(f"{method} {path}")
                if f"{method} {path}" in self.drop_unanswered:
                    break
                if self.delay:
                    await asyncio.sleep(self.delay)
                body = f"{method} {path}".encode()
                extra = b""
                if self.gzip:
                    body, extra = gzip.compress(body), b"Content-Encoding: gzip\r\n"
                writer.write(b"HTTP/1.1 200 OK\r\n%sContent-Length: %d\r\n\r\n%s" % (extra, len(body), body))
                await writer.drain()
                if self.close_after_answer:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.open_now -= 1
            self.writers.discard(writer)
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    state = Server()
    listener = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    state.port = listener.sockets[0].getsockname()[1]
    async with listener:
        yield state
        for writer in list(state.writers):
            writer.close()


@contextlib.asynccontextmanager
async def client(server: Server, read_within: float = 5.0) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=PooledTransport(LIMITS), base_url=f"http://127.0.0.1:{server.port}", timeout=read_within
    ) as http:
        yield http


async def test_one_connection_serves_requests_one_after_another(server: Server) -> None:
    async with client(server) as http:
        for i in range(20):
            response = await http.get(f"/jobs/{i}")
            assert response.status_code == 200 and response.text == f"GET /jobs/{i}"
    assert server.connections == 1


async def test_many_requests_at_once_stay_within_the_pool(server: Server) -> None:
    server.delay = 0.01
    async with client(server) as http:
        answers = await asyncio.gather(*(http.post(f"/jobs/{i}", json={"n": i}) for i in range(60)))
    assert [a.text for a in answers] == [f"POST /jobs/{i}" for i in range(60)]
    assert server.most_open <= LIMITS.max_connections
    assert server.connections == LIMITS.max_connections  # opened once, then reused


async def test_a_connection_the_server_closed_while_idle_is_not_used_for_the_next_write(
    server: Server,
) -> None:
    server.close_after_answer = True
    async with client(server) as http:
        assert (await http.get("/first")).status_code == 200
        await asyncio.sleep(0.1)  # the server has closed it by now
        second = await http.post("/jobs", json={"summary": "Leak under the sink"})
    assert second.text == "POST /jobs"
    assert server.requests == ["GET /first", "POST /jobs"] and server.connections == 2


async def test_errors_come_out_as_httpx_errors(server: Server) -> None:
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        closed_port = spare.getsockname()[1]
    async with httpx.AsyncClient(transport=PooledTransport(LIMITS)) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(f"http://127.0.0.1:{closed_port}/")
    server.delay = 1.0
    async with client(server, read_within=0.2) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.get("/slow")


async def test_a_write_whose_connection_drops_unanswered_is_not_sent_again(server: Server) -> None:
    """The server read the PUT and closed the connection without answering: the PUT may have taken effect,
    so it is not repeated below the client (whose retry policy then surfaces it), and the error says it
    may have arrived rather than that the connection failed."""
    server.drop_unanswered = {"PUT /jobs/7/cancel"}
    async with client(server) as http:
        assert (await http.get("/jobs/7")).status_code == 200
        with pytest.raises(httpx.TransportError) as caught:
            await http.put("/jobs/7/cancel", json={"reasonId": 1})
    assert not isinstance(caught.value, httpx.ConnectError | httpx.ConnectTimeout)
    assert server.requests == ["GET /jobs/7", "PUT /jobs/7/cancel"]


async def test_a_compressed_answer_is_decoded_once(server: Server) -> None:
    server.gzip = True
    async with client(server) as http:
        response = await http.get("/jobs/3")
    assert response.text == "GET /jobs/3"
