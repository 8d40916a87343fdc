"""Walking lists page by page and export feeds batch by batch, against the sandbox."""

from __future__ import annotations

import asyncio
import json
import math
from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.sandbox.app import Sandbox
from frontdesk.servicetitan import MemoryRecorder, ServiceTitanClient
from frontdesk.servicetitan.models import ExportPage
from frontdesk.servicetitan.paging import ExportIterator, PageIterator


async def test_iterate_walks_every_page(client: ServiceTitanClient, recorder: MemoryRecorder) -> None:
    everyone = await client.crm.customers.list(page_size=5000, include_total=True)
    total = everyone.total_count
    assert total and total == len(everyone.data) and total > 7 * 3

    walker = client.crm.customers.iterate(page_size=7)
    ids = [c.id async for c in walker]
    assert ids == [c.id for c in everyone.data]
    assert walker.pages_read == math.ceil(total / 7)
    urls = [x.url for x in recorder.exchanges if x.kind == "api"][1:]
    assert len(urls) == walker.pages_read
    for number, url in enumerate(urls, 1):
        assert url.endswith(f"/customers?page={number}&pageSize=7")


async def test_bulk_iteration_asks_for_5000_at_a_time(
    client: ServiceTitanClient, recorder: MemoryRecorder
) -> None:
    jobs = await client.jpm.jobs.iterate(job_status="Completed").collect()
    assert jobs and {j.job_status for j in jobs} == {"Completed"}
    listed = [x.url for x in recorder.exchanges if x.kind == "api"]
    assert len(listed) == 1 and "pageSize=5000" in listed[0] and "jobStatus=Completed" in listed[0]


async def test_whole_pages_can_be_walked_too(client: ServiceTitanClient) -> None:
    sizes = [len(page.data) async for page in client.crm.customers.iterate(page_size=15).pages()]
    assert sum(sizes) == (await client.crm.customers.list(include_total=True)).total_count
    assert sizes[:-1] == [15] * (len(sizes) - 1) and 0 < sizes[-1] <= 15


async def test_page_size_is_checked_before_any_call() -> None:
    async def never(page: int, size: int) -> object:
        raise AssertionError("no call expected")

    with pytest.raises(ValueError):
        PageIterator(never, page_size=5001)  # type: ignore[arg-type]


async def test_export_walks_every_batch_and_can_resume(
    client: ServiceTitanClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("frontdesk.sandbox.listing.EXPORT_BATCH", 4)
    everything = client.jpm.jobs.export()
    ids = [job.id async for job in everything]
    assert len(ids) == len(set(ids)) > 12
    assert everything.batches_read == math.ceil(len(ids) / 4)
    assert everything.continue_from

    # stop halfway, then resume from the token: nothing missed, at most one batch seen twice
    first = client.jpm.jobs.export()
    seen: list[int] = []
    async for job in first:
        seen.append(job.id)
        if len(seen) == 10:
            break
    resumed = [job.id async for job in client.jpm.jobs.export(first.continue_from)]
    assert set(seen) | set(resumed) == set(ids)
    assert len(seen) + len(resumed) - len(ids) <= 4


async def test_an_export_token_picks_up_later_changes(client: ServiceTitanClient, sandbox: Sandbox) -> None:
    feed = client.jpm.jobs.export()
    before = {job.id async for job in feed}
    token = feed.continue_from
    job = (await client.jpm.jobs.list(page_size=1)).data[0]
    start = datetime(2026, 3, 13, 14, tzinfo=UTC)
    created = await client.jpm.jobs.create(
        {
            "customerId": job.customer_id,
            "locationId": job.location_id,
            "businessUnitId": job.business_unit_id,
            "jobTypeId": job.job_type_id,
            "priority": "High",
            "campaignId": job.campaign_id,
            "appointments": [{"start": start, "end": start + timedelta(hours=1)}],
        }
    )
    assert created.id not in before
    held_back = [j.id async for j in client.jpm.jobs.export(token)]
    assert created.id not in held_back  # newer than 15 minutes: held back by default
    recent = [j.id async for j in client.jpm.jobs.export(token, include_recent_changes=True)]
    assert recent == [created.id]


def _feed(batches: int, size: int, asked: list[str | None]) -> ExportIterator[dict[str, int]]:
    """A feed of ``batches`` batches whose fetch records each token it is asked for."""

    async def fetch(token: str | None) -> dict[str, object]:
        asked.append(token)
        number = int(token or 0)
        await asyncio.sleep(0.01)
        return {
            "hasMore": number + 1 < batches,
            "continueFrom": str(number + 1),
            "data": [{"n": number * size + i} for i in range(size)],
        }

    def parse(answer: dict[str, object]) -> ExportPage[dict[str, int]]:
        return ExportPage[dict[str, int]].model_validate(answer)

    return ExportIterator(fetch, parse)


def _byte_feed(
    batches: int, size: int, asked: list[str | None], *, data_first: bool
) -> ExportIterator[dict[str, int]]:
    """Like ``_feed``, but each batch is the JSON body as bytes, validated straight from them; with
    ``data_first`` the envelope's fields come after the records."""

    async def fetch(token: str | None) -> bytes:
        asked.append(token)
        number = int(token or 0)
        await asyncio.sleep(0.01)
        envelope = {"hasMore": number + 1 < batches, "continueFrom": str(number + 1)}
        data = {"data": [{"n": number * size + i} for i in range(size)]}
        return json.dumps({**data, **envelope} if data_first else {**envelope, **data}).encode()

    def parse(answer: bytes) -> ExportPage[dict[str, int]]:
        return ExportPage[dict[str, int]].model_validate_json(answer)

    return ExportIterator(fetch, parse)


@pytest.mark.parametrize("data_first", [False, True])
async def test_an_export_read_from_bytes_gets_every_batch_once(data_first: bool) -> None:
    asked: list[str | None] = []
    feed = _byte_feed(4, 300, asked, data_first=data_first)
    seen = [item["n"] async for item in feed]
    assert seen == list(range(1200)) and asked == [None, "1", "2", "3"]
    assert feed.continue_from == "4"


async def test_an_export_read_from_bytes_asks_ahead_before_parsing_a_batch() -> None:
    asked: list[str | None] = []
    feed = _byte_feed(3, 300, asked, data_first=False)  # the envelope first, as ServiceTitan sends it
    pages = feed.pages()
    await anext(pages)
    await asyncio.sleep(0)
    assert asked == [None, "1"]
    await pages.aclose()


async def test_the_next_batch_is_on_its_way_before_this_one_is_parsed() -> None:
    """Parsing holds the event loop: the next request must have started before it, or the download and
    the parse take turns instead of overlapping."""
    events: list[str] = []

    async def fetch(token: str | None) -> bytes:
        events.append(f"fetch {token}")
        number = int(token or 0)
        await asyncio.sleep(0.01)
        return json.dumps(
            {"hasMore": number < 2, "continueFrom": str(number + 1), "data": [{"n": number}]}
        ).encode()

    def parse(answer: bytes) -> ExportPage[dict[str, int]]:
        batch = ExportPage[dict[str, int]].model_validate_json(answer)
        events.append(f"parse {batch.data[0]['n']}")
        return batch

    seen = [item["n"] async for item in ExportIterator(fetch, parse)]
    assert seen == [0, 1, 2]
    assert events == ["fetch None", "fetch 1", "parse 0", "fetch 2", "parse 1", "parse 2"]


@pytest.mark.parametrize("data_first", [False, True])
@pytest.mark.parametrize("way", ["bytes", "decoded"])
async def test_the_next_export_batch_downloads_while_this_one_is_used(data_first: bool, way: str) -> None:
    asked: list[str | None] = []
    feed = _byte_feed(3, 2, asked, data_first=data_first) if way == "bytes" else _feed(3, 2, asked)
    seen = []
    async for item in feed:
        seen.append(item["n"])
        if item["n"] == 0:  # still in the first batch: the second is already on its way
            await asyncio.sleep(0)
            assert asked == [None, "1"]
    assert seen == list(range(6)) and asked == [None, "1", "2"]
    assert feed.continue_from == "3" and feed.batches_read == 3


async def test_stopping_early_drops_the_batch_asked_for_ahead() -> None:
    asked: list[str | None] = []
    feed = _feed(5, 2, asked)
    pages = feed.pages()
    first = await anext(pages)
    assert [x["n"] for x in first.data] == [0, 1]
    await pages.aclose()  # the consumer is done: nothing is left running
    await asyncio.sleep(0.02)
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    assert pending == [] and asked in ([None], [None, "1"])
    assert feed.continue_from is None  # the first batch was not finished: resume from the start
