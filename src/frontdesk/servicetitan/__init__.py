"""An async client for ServiceTitan's API v2, usable on its own.

Credentials and environment come from ``FRONTDESK_ST_*`` variables (or ``.env``)::

    import asyncio

    from frontdesk.servicetitan import ServiceTitanClient, ServiceTitanSettings


    async def main() -> None:
        async with ServiceTitanClient(ServiceTitanSettings()) as st:
            found = await st.crm.customers.list(phone="5551234567")
            async for job in st.jpm.jobs.iterate(customer_id=found.data[0].id):
                print(job.job_number, job.job_status)


    asyncio.run(main())
"""

from frontdesk.servicetitan.auth import RedisTokenStore, TokenCache
from frontdesk.servicetitan.client import ServiceTitanClient
from frontdesk.servicetitan.errors import (
    BadRequest,
    Conflict,
    ConnectionFailed,
    Forbidden,
    NotFound,
    RateLimited,
    ServerError,
    ServiceTitanError,
    Timeout,
    Unauthorized,
)
from frontdesk.servicetitan.models import ExportPage, Page
from frontdesk.servicetitan.paging import ExportIterator, PageIterator
from frontdesk.servicetitan.ratelimit import RedisRateLimiter, SlidingWindowLimiter
from frontdesk.servicetitan.recorder import Exchange, ExchangeRecorder, MemoryRecorder
from frontdesk.servicetitan.retry import RetryPolicy
from frontdesk.servicetitan.settings import Environment, ServiceTitanSettings

__all__ = [
    "BadRequest",
    "Conflict",
    "ConnectionFailed",
    "Environment",
    "Exchange",
    "ExchangeRecorder",
    "ExportIterator",
    "ExportPage",
    "Forbidden",
    "MemoryRecorder",
    "NotFound",
    "Page",
    "PageIterator",
    "RateLimited",
    "RedisRateLimiter",
    "RedisTokenStore",
    "RetryPolicy",
    "ServerError",
    "ServiceTitanClient",
    "ServiceTitanError",
    "ServiceTitanSettings",
    "SlidingWindowLimiter",
    "Timeout",
    "TokenCache",
    "Unauthorized",
]
