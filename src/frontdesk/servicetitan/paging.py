"""Walking ServiceTitan's lists (page/hasMore) and export feeds (continueFrom) as async iterators."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Generic, TypeVar

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

    ``fetch(token)`` returns one batch as ServiceTitan sent it (JSON); ``parse`` makes it typed. The next
    batch is asked for as soon as a batch's ``continueFrom`` is known, so it downloads while this one is
    parsed and used (a feed can only be read in order, so this is the one overlap there is).
    ``continue_from`` is the token to resume from: it moves on only after every item of a batch has been
    taken, so a consumer that stops halfway resumes at that batch (seeing some records twice rather than
    missing any). Store it and pass it as ``start`` next time.
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
                answer = raw if isinstance(raw, dict) else {}
                token = answer.get("continueFrom")
                last = not answer.get("hasMore") or (
                    token in (None, self.continue_from) and not answer.get("data")
                )
                if not last:  # download the next batch while this one is parsed and used
                    ahead = asyncio.ensure_future(self._fetch(token or self.continue_from))
                batch = self._parse(raw)
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

    async def _items(self) -> AsyncIterator[T]:
        async for batch in self.pages():
            for item in batch.data:
                yield item

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def collect(self) -> list[T]:
        return [item async for item in self]


def _quiet(future: asyncio.Future[Any]) -> None:
    """Take a dropped prefetch's outcome, so asyncio does not report it as never retrieved."""
    if not future.cancelled():
        future.exception()
