"""The connection pool under the client: aiohttp's, behind httpx's transport interface.

The client builds ``httpx.Request`` objects and gets ``httpx.Response`` objects back, so its retry rules, its
recorder and every test transport (the in-process sandbox, respx, ``httpx.MockTransport``) speak httpx. On
the wire, aiohttp does the work: its pool and its HTTP parser (llhttp, in C) cost about a third of the CPU
per call of httpx's own transport stack (``bench/client_cpu.py`` prints the figures side by side), which is
what decides how many calls a process can make when hundreds of conversations call at once.

Errors come out as httpx's, and the difference the retry rules depend on is kept: a request that cannot
have reached the server (the connection was never made) is a ``ConnectError``/``ConnectTimeout``; anything
after the request began to be written (a dropped connection, a read timeout, a malformed answer) is an
error that says it may have arrived. aiohttp's own quiet retry of a request on a dropped keep-alive
connection is turned off, so every decision to send again is the client's, made by its retry policy and
visible in the recorded exchanges.
"""

from __future__ import annotations

import contextlib
import functools
import ssl
from collections.abc import Iterator

import aiohttp
import httpx
import yarl

# the most specific first: an error becomes the first class it is an instance of
_ERRORS: list[tuple[type[Exception], type[httpx.TransportError]]] = [
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    (aiohttp.SocketTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx.ReadError),
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.ClientOSError, httpx.NetworkError),
    (aiohttp.ClientConnectionError, httpx.NetworkError),
    (aiohttp.ClientError, httpx.TransportError),
]


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except aiohttp.ClientError as exc:
        for source, target in _ERRORS:
            if isinstance(exc, source):
                raise target(str(exc) or type(exc).__name__) from exc
        raise


@functools.cache
def _default_tls() -> ssl.SSLContext:
    """httpx's default: certifi's CA bundle (or SSL_CERT_FILE / SSL_CERT_DIR), certificates verified. Made
    once per process, when the first pool is: loading the bundle takes tens of milliseconds."""
    return httpx.create_ssl_context()


class PooledTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over a pool of at most ``limits.max_connections`` connections, each kept alive for
    ``limits.keepalive_expiry`` seconds after its last answer.

    The pool is made on the first request, on the event loop that sends it.
    """

    def __init__(self, limits: httpx.Limits, ssl_context: ssl.SSLContext | None = None) -> None:
        self._limits = limits
        self._ssl = ssl_context
        self._session: aiohttp.ClientSession | None = None

    def _pool(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._limits.max_connections or 0,
                keepalive_timeout=self._limits.keepalive_expiry or 0.0,
                ssl=self._ssl if self._ssl is not None else _default_tls(),
            )
            session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),  # ServiceTitan's API sets no cookies to keep
                auto_decompress=False,  # httpx's Response decodes Content-Encoding itself
                skip_auto_headers=("User-Agent",),
            )
            # aiohttp sends a GET, PUT or DELETE again by itself when a reused connection drops; the client's
            # retry policy decides that instead (a PUT that cancels a job may have arrived)
            session._retry_connection = False
            self._session = session
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {})
        with _as_httpx_errors():
            async with self._pool().request(
                request.method,
                yarl.URL(str(request.url), encoded=True),  # httpx has already encoded it
                headers=request.headers.multi_items(),
                data=request.content or None,
                allow_redirects=False,
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            ) as answer:
                body = await answer.read()
        extensions: dict[str, object] = {"http_version": b"HTTP/1.1"}
        if answer.reason:
            extensions["reason_phrase"] = answer.reason.encode("ascii", "replace")
        return httpx.Response(
            status_code=answer.status,
            headers=answer.raw_headers,
            content=body,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
