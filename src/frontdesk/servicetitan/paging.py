"""Walking ServiceTitan's lists (page/hasMore) and export feeds (continueFrom) as async iterators."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Generic, TypeVar

import pydantic_core

from frontdesk.servicetitan.models import ExportPage, Page

T = TypeVar("T")

BULK_PAGE_SIZE = 5000  # ServiceTitan's maximum: the fewest calls for bulk reads


class PageIterator(Generic[T]):
    """Every item of a list, page after page, until ``hasMore`` is false.

    ``fetch(page, page_size)`` returns one page. ``async for item in it`` walks items; ``it.pages()``
    walks whole pages. ``pages_read`` counts the calls made.
    """

    def __init__(
        self,
        fetch: Callable[[int, int], Awaitable[Page[T]]],
        *,
        page_size: int = BULK_PAGE_SIZE,
        start_page: int = 1,
        max_pages: int | None = None,
    ) -> None:
        if not 1 <= page_size <= 5000:
            raise ValueError("page_size must be between 1 and 5000")
        self._fetch = fetch
        self.page_size = page_size
        self.next_page = start_page
        self.max_pages = max_pages
        self.pages_read = 0

    async def pages(self) -> AsyncIterator[Page[T]]:
        while self.max_pages is None or self.pages_read < self.max_pages:
            page = await self._fetch(self.next_page, self.page_size)
            self.pages_read += 1
            self.next_page += 1
            yield page
            # an empty page that claims more would loop forever; ServiceTitan never means that
            if not page.has_more or not page.data:
                return

    async def _items(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.data:
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def collect(self) -> list[T]:
        return [item async for item in self]


class ExportIterator(Generic[T]):
    """Every record of an export feed from a starting point, until ``hasMore`` is false.

    ``fetch(token)`` returns one batch as ServiceTitan sent it (the JSON body, as bytes or decoded);
    ``parse`` makes it typed. The next batch is asked for as soon as a batch's ``continueFrom`` is known
    (read from the head of the body, before the batch is parsed), so it downloads while this one is parsed
    and used (a feed can only be read in order, so this is the one overlap there is). ``continue_from`` is
    the token to resume from: it moves on only after every item of a batch has been taken, so a consumer
    that stops halfway resumes at that batch (seeing some records twice rather than missing any). Store it
    and pass it as ``start`` next time.
    """

    def __init__(
        self,
        fetch: Callable[[str | None], Awaitable[Any]],
        parse: Callable[[Any], ExportPage[T]],
        *,
        start: str | None = None,
    ) -> None:
        self._fetch = fetch
        self._parse = parse
        self.continue_from = start
        self.batches_read = 0

    async def pages(self) -> AsyncIterator[ExportPage[T]]:
        ahead: asyncio.Future[Any] | None = None
        try:
            raw = await self._fetch(self.continue_from)
            while True:
                self.batches_read += 1
                head = _head(raw)
                if head is not None and head[0] and head[1] == self.continue_from:
                    head = None  # the same token again: only the parsed batch tells whether it is the end
                if head is not None:  # download the next batch while this one is parsed and used
                    ahead = self._follow(*head)
                    # let the request go out now: parsing holds the loop, and a request merely scheduled
                    # would leave only after it, downloading nothing meanwhile (export 50k jobs: 3.3 -> 2.1 s)
                    await asyncio.sleep(0)
                batch = self._parse(raw)
                if head is None:
                    ahead = self._follow(batch.has_more, batch.continue_from, bool(batch.data))
                yield batch
                if batch.continue_from:
                    self.continue_from = batch.continue_from
                if ahead is None:
                    return
                raw, ahead = await ahead, None
        finally:
            if ahead is not None:  # the consumer stopped early: the batch asked for ahead is not wanted
                ahead.cancel()
                ahead.add_done_callback(_quiet)

    def _follow(self, has_more: bool, token: str | None, has_data: bool) -> asyncio.Future[Any] | None:
        """The next batch, asked for now; None at the end of the feed."""
        if not has_more or (token in (None, self.continue_from) and not has_data):
            return None
        return asyncio.ensure_future(self._fetch(token or self.continue_from))

    async def _items(self) -> AsyncIterator[T]:
        async for batch in self.pages():
            for item in batch.data:
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def collect(self) -> list[T]:
        return [item async for item in self]


# the envelope's fields come first as ServiceTitan sends them; a body that puts them elsewhere is simply
# parsed before its next batch is asked for
_HEAD_BYTES = 512


def _head(raw: Any) -> tuple[bool, str | None, bool] | None:
    """(hasMore, continueFrom, has data) of a batch when they are known without parsing all of it."""
    if isinstance(raw, bytes | bytearray):
        try:
            start = pydantic_core.from_json(bytes(raw[:_HEAD_BYTES]), allow_partial=True)
        except ValueError:
            return None
        if not isinstance(start, dict) or "hasMore" not in start or "continueFrom" not in start:
            return None
        token = start["continueFrom"]
        if start["hasMore"] is True and isinstance(token, str) and token:
            return True, token, True  # a new token: there is more to read
        if start["hasMore"] is False:
            return False, token if isinstance(token, str) else None, False
        return None  # unusual: decide from the parsed batch
    if isinstance(raw, dict):
        token = raw.get("continueFrom")
        return bool(raw.get("hasMore")), token if isinstance(token, str) else None, bool(raw.get("data"))
    return None


def _quiet(future: asyncio.Future[Any]) -> None:
    """Take a dropped prefetch's outcome, so asyncio does not report it as never retrieved."""
    if not future.cancelled():
        future.exception()
