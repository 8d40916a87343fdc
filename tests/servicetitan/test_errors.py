"""Errors as a caller meets them: typed, with ServiceTitan's traceId and advice on what to do."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontdesk.sandbox.app import Sandbox
from frontdesk.sandbox.config import LIMITED_CLIENT_ID, LIMITED_CLIENT_SECRET
from frontdesk.servicetitan import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    ServiceTitanClient,
    ServiceTitanError,
)
from frontdesk.servicetitan.errors import ErrorContext, error_from_response
from frontdesk.servicetitan.scopes import GRANT_LOCATION, SEED_SCOPES, grant_advice, real_scope
from tests.servicetitan.conftest import MakeClient, st_settings


async def test_not_found_names_the_tenant_and_the_likely_causes(client: ServiceTitanClient) -> None:
    with pytest.raises(NotFound) as caught:
        await client.crm.customers.get(987654321)
    error = caught.value
    assert error.status == 404 and error.method == "GET"
    assert error.url == "http://sandbox/crm/v2/tenant/1000001/customers/987654321"
    assert error.trace_id and error.trace_id.startswith("00-")
    assert "another tenant" in error.advice and "1000001" in error.advice
    assert error.trace_id in str(error) and "987654321" in str(error)


async def test_bad_request_keeps_the_field_errors(client: ServiceTitanClient) -> None:
    with pytest.raises(BadRequest) as caught:
        await client.crm.customers.list(page_size=0)
    assert "pageSize" in caught.value.field_errors
    assert caught.value.trace_id
    assert "pageSize" in str(caught.value)


async def test_a_missing_scope_is_named_with_where_to_grant_it(
    make_client: MakeClient, sandbox: Sandbox
) -> None:
    limited = make_client(st_settings(client_id=LIMITED_CLIENT_ID, client_secret=LIMITED_CLIENT_SECRET))
    with pytest.raises(Forbidden) as caught:
        await limited.settings.business_units.list()
    error = caught.value
    assert error.status == 403
    assert error.required_scope == "tn.stt.businessunits:r"
    assert "tn.stt.businessunits:r" in error.advice
    assert GRANT_LOCATION in error.advice and "new version" in error.advice
    assert error.trace_id


async def test_a_state_conflict_is_a_conflict(client: ServiceTitanClient) -> None:
    reason = (await client.jpm.job_cancel_reasons.list()).data[0]
    job = (await client.jpm.jobs.list(job_status="Scheduled", page_size=1)).data[0]
    await client.jpm.jobs.cancel(job.id, reason.id, "Customer found another company")
    assert (await client.jpm.jobs.get(job.id)).job_status == "Canceled"
    with pytest.raises(Conflict) as caught:
        await client.jpm.jobs.complete(job.id, completed_on=datetime(2026, 3, 9, 16, tzinfo=UTC))
    assert caught.value.status == 409 and "canceled" in caught.value.message.lower()
    assert "read it again" in caught.value.advice


def test_forbidden_without_data_still_finds_the_scope_in_the_title() -> None:
    body = {
        "title": "The application lacks the scope tn.jpm.jobs:w.",
        "status": 403,
        "traceId": "00-ab-cd-00",
    }
    error = error_from_response(
        403, body, method="POST", url="https://api.servicetitan.io/jpm/v2/tenant/1/jobs"
    )
    assert isinstance(error, Forbidden) and error.required_scope == "tn.jpm.jobs:w"


def test_forbidden_for_a_tenant_says_to_connect_the_app() -> None:
    body = {"title": "The client is not authorized for tenant 42.", "status": 403}
    error = error_from_response(403, body, method="GET", url="u", context=ErrorContext(tenant_id=42))
    assert isinstance(error, Forbidden) and error.required_scope is None
    assert "tenant 42" in error.advice and GRANT_LOCATION in error.advice


def test_an_unexpected_status_is_still_a_servicetitan_error() -> None:
    error = error_from_response(405, None, method="PUT", url="u")
    assert type(error) is ServiceTitanError and error.status == 405 and "HTTP 405" in str(error)


def test_every_seed_guide_scope_maps_to_a_real_one() -> None:
    assert real_scope("jpm:jobs:read") == "tn.jpm.jobs:r"
    assert real_scope("crm:appointments:write") == "tn.jpm.appointments:w"  # appointments live in JPM
    assert real_scope("accounting:invoices:read") == "tn.acc.invoices:r"
    assert real_scope("settings:technicians:read") == "tn.stt.technicians:r"
    assert real_scope("tn.dis.capacity:w") == "tn.dis.capacity:w"
    assert len(SEED_SCOPES) == 7 and all(v.startswith("tn.") for v in SEED_SCOPES.values())
    with pytest.raises(ValueError):
        real_scope("everything")
    assert "tn.acc.invoices:r" in grant_advice("tn.acc.invoices:r")
