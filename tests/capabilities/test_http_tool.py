"""Declarative HTTP tools run through the ToolRunner: the guide's tools on the sandbox, a business's own API."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from frontdesk.agent.grounding import Known, check
from frontdesk.capabilities.compact import compact
from frontdesk.capabilities.http_tool import HttpTool
from frontdesk.capabilities.loader import LoadResult, load_capabilities
from frontdesk.capabilities.model import HttpToolDef
from frontdesk.capabilities.runner import ToolRun, ToolRunner
from frontdesk.capabilities.state import GuardState
from frontdesk.capabilities.tool import ToolContext
from frontdesk.capabilities.variables import path_segment
from frontdesk.sandbox.app import Sandbox
from frontdesk.sandbox.config import DEMO_APP_KEY
from frontdesk.sandbox.faults import FaultPlan, FaultRule
from frontdesk.servicetitan import ServiceTitanClient
from tests.servicetitan.conftest import LiveServer

FILES = Path(__file__).parent / "files"
EXAMPLES = Path(__file__).parents[2] / "docs" / "examples" / "capabilities"
Ctx = Callable[[GuardState], ToolContext]
NewState = Callable[..., GuardState]


def guide_tools(access: str = "public") -> LoadResult:
    """The guide's Customer Lookup tools; ``access`` is set per test (the files default to account)."""
    loaded = load_capabilities(FILES / "customer-lookup.yaml")
    assert loaded.ok, loaded.errors
    for tool in loaded.tools.values():
        tool.access = access  # type: ignore[assignment]
    return loaded


async def a_customer_with_jobs(st_client: ServiceTitanClient) -> dict[str, Any]:
    jobs = await st_client.request("GET", "jpm", "jobs", params={"pageSize": 50})
    customer_id = jobs["data"][0]["customerId"]
    customer: dict[str, Any] = await st_client.request("GET", "crm", f"customers/{customer_id}")
    return customer


@pytest.fixture
def runs() -> list[ToolRun]:
    return []


async def test_search_customers_as_the_guide_writes_it_finds_the_customer(
    st_client: ServiceTitanClient, make_ctx: Ctx, new_state: NewState, runs: list[ToolRun]
) -> None:
    customer = await a_customer_with_jobs(st_client)
    runner = ToolRunner(guide_tools().tools.values(), secret=b"k", on_run=runs.append)

    result = await runner.run(make_ctx(new_state()), "searchCustomers", {"name": customer["name"]})

    assert result.status == "ok", result
    found = {item["id"]: item for item in result.data["items"]}
    assert found[customer["id"]]["name"] == customer["name"]
    # the client set the credentials, not the file: nothing of them reaches the record
    (exchange,) = [e for e in runs[0].exchanges if e.kind == "api"]
    assert exchange.method == "GET" and "/crm/v2/tenant/" in exchange.url
    assert exchange.request_headers["st-app-key"] == "[redacted]"
    assert DEMO_APP_KEY not in json.dumps(exchange.__dict__, default=str)
    assert "{{" not in exchange.url and "{{" not in json.dumps(exchange.request_headers)


async def test_search_customers_by_phone_as_a_caller_says_it(
    st_client: ServiceTitanClient, make_ctx: Ctx, new_state: NewState
) -> None:
    customer = await a_customer_with_jobs(st_client)
    contacts = await st_client.request("GET", "crm", f"customers/{customer['id']}/contacts")
    digits = next(c["value"] for c in contacts["data"] if c["type"] == "Phone")
    spoken = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    runner = ToolRunner(guide_tools().tools.values(), secret=b"k")

    result = await runner.run(make_ctx(new_state()), "searchCustomers", {"phone": spoken, "active": True})

    assert result.status == "ok", result
    assert customer["id"] in [item["id"] for item in result.data["items"]]


async def test_a_guide_tool_gets_the_clients_retries_and_token_renewal(
    st_client: ServiceTitanClient, sandbox: Sandbox, make_ctx: Ctx, new_state: NewState, runs: list[ToolRun]
) -> None:
    runner = ToolRunner(guide_tools().tools.values(), secret=b"k", on_run=runs.append)
    ctx = make_ctx(new_state())
    assert (await runner.run(ctx, "searchCustomers", {"pageSize": 1})).ok
    sandbox.authority.revoke()
    sandbox.faults.configure(
        FaultPlan(rules=[FaultRule(route="/crm/*", error_rate=1.0, status=503, limit=1)])
    )

    result = await runner.run(ctx, "searchCustomers", {"pageSize": 1})

    assert result.status == "ok", result
    statuses = [(e.kind, e.status) for e in runs[-1].exchanges]
    assert statuses == [("api", 503), ("api", 401), ("token", 200), ("api", 200)]


async def test_get_customer_jobs_lists_only_that_customers_jobs(
    st_client: ServiceTitanClient, make_ctx: Ctx, new_state: NewState
) -> None:
    customer = await a_customer_with_jobs(st_client)
    runner = ToolRunner(guide_tools().tools.values(), secret=b"k")

    result = await runner.run(
        make_ctx(new_state()), "getCustomerJobs", {"customerId": customer["id"], "pageSize": 100}
    )

    assert result.status == "ok", result
    assert result.data["items"] and {job["customerId"] for job in result.data["items"]} == {customer["id"]}
    assert "jobStatus" in result.data["items"][0]


async def test_an_account_tool_is_refused_until_the_customer_is_verified_then_scoped_to_them(
    st_client: ServiceTitanClient, make_ctx: Ctx, new_state: NewState
) -> None:
    customer = await a_customer_with_jobs(st_client)
    runner = ToolRunner(guide_tools(access="account").tools.values(), secret=b"k")

    anonymous = await runner.run(make_ctx(new_state()), "getCustomerJobs", {"customerId": customer["id"]})
    assert anonymous.status == "refused" and "items" not in anonymous.data

    verified = make_ctx(new_state(verified_customer_id=customer["id"]))
    other = await runner.run(verified, "getCustomerJobs", {"customerId": customer["id"] + 1})
    assert other.status == "refused"
    # left out, the customer is the verified one, not "every customer's jobs"
    mine = await runner.run(verified, "getCustomerJobs", {})
    assert mine.status == "ok" and {j["customerId"] for j in mine.data["items"]} == {customer["id"]}


async def test_arguments_are_checked_against_the_schema_before_any_call(
    make_ctx: Ctx, new_state: NewState, runs: list[ToolRun]
) -> None:
    runner = ToolRunner(guide_tools().tools.values(), secret=b"k", on_run=runs.append)

    result = await runner.run(make_ctx(new_state()), "getCustomerJobs", {"customerId": "abc", "colour": 1})

    assert result.status == "error" and "customerId" in (result.message or "")
    assert runs[0].exchanges == []


async def test_a_search_that_matches_nobody_says_so(make_ctx: Ctx, new_state: NewState) -> None:
    runner = ToolRunner(guide_tools().tools.values(), secret=b"k")
    result = await runner.run(make_ctx(new_state()), "searchCustomers", {"name": "Zzyzx Nobody"})
    assert result.status == "not_found" and result.data["count"] == 0


async def test_every_tool_exposes_a_function_calling_schema() -> None:
    runner = ToolRunner(guide_tools().tools.values(), secret=b"k")
    specs = {spec.name: spec for spec in runner.specs()}
    jobs = specs["getCustomerJobs"].parameters
    assert jobs["type"] == "object" and jobs["additionalProperties"] is False
    assert jobs["properties"]["customerId"] == {"type": "integer", "description": "ServiceTitan customer ID"}
    assert specs["searchCustomers"].effect == "read"


# --- writes -----------------------------------------------------------------------------------------

NOTE_TOOL = """
name: Job notes
tools:
  - id: addJobNote
    description: Adds a note to a job.
    method: POST
    url: "{{api_url}}/jpm/v2/tenant/{{tenant_id}}/jobs/{{jobId}}/notes"
    access: public
    summary: Add the note "{{text}}" to job {{jobId}}
    params:
      - {name: jobId, location: path, type: integer, description: The job's ID}
      - {name: text, location: body, type: string, required: true, min: 1, max: 500}
"""


async def test_a_write_tool_only_writes_after_the_customer_agrees_and_only_once(
    st_client: ServiceTitanClient, make_ctx: Ctx, new_state: NewState, tmp_path: Path
) -> None:
    (tmp_path / "notes.yaml").write_text(NOTE_TOOL)
    loaded = load_capabilities(tmp_path)
    assert loaded.ok, loaded.errors
    runner = ToolRunner(loaded.tools.values(), secret=b"k")
    job = (await st_client.request("GET", "jpm", "jobs", params={"pageSize": 1}))["data"][0]
    state = new_state()
    ctx = make_ctx(state)
    args = {"jobId": job["id"], "text": "Gate code is 4411"}

    async def notes() -> list[str]:
        answer = await st_client.request("GET", "jpm", f"jobs/{job['id']}/notes")
        return [n["text"] for n in answer["data"]]

    proposal = await runner.run(ctx, "addJobNote", args)
    assert proposal.status == "proposal" and proposal.proposal is not None
    assert proposal.proposal.summary == f'Add the note "Gate code is 4411" to job {job["id"]}'
    assert "Gate code is 4411" not in await notes()

    state.note_customer_message("Yes, please do that.")
    confirmed = {**args, "confirmation_id": proposal.proposal.confirmation_id}
    done = await runner.run(ctx, "addJobNote", confirmed)
    assert done.status == "ok", done
    again = await runner.run(ctx, "addJobNote", confirmed)
    assert again.status == "repeat"
    assert (await notes()).count("Gate code is 4411") == 1


# --- a business's own API ---------------------------------------------------------------------------

API_KEY = "eq-live-7f3a9c2e55"


def equipment_api(seen: list[Request]) -> Starlette:
    async def history(request: Request) -> JSONResponse:
        seen.append(request)
        if request.headers.get("x-api-key") != API_KEY:
            return JSONResponse({"error": "bad key"}, status_code=401)
        serial = request.path_params["serial"]
        if serial == "missing":
            return JSONResponse({"error": "no such unit"}, status_code=404)
        visits = [
            {"date": f"2025-{m:02d}-10", "work": "Annual tune-up", "technician": "Dana", "notes": None}
            for m in range(1, 13)
        ]
        return JSONResponse(
            {
                "serial": serial,
                "model": "Carrier 24ACC6",
                "installed": "2019-05-02",
                "visits": visits[: int(request.query_params.get("limit", "12"))],
            }
        )

    return Starlette(routes=[Route("/v1/units/{serial}/history", history)])


async def test_a_businesss_own_api_tool_works_and_its_exchange_is_recorded_without_the_key(
    make_ctx: Ctx, new_state: NewState, runs: list[ToolRun]
) -> None:
    seen: list[Request] = []
    loaded = load_capabilities(
        EXAMPLES / "equipment-history.yaml",
        secrets={"EQUIPMENT_API_KEY": API_KEY},
        transport=httpx.ASGITransport(app=equipment_api(seen)),
    )
    assert loaded.ok, loaded.errors
    tool = loaded.tools["getEquipmentHistory"]
    tool.access = "public"
    runner = ToolRunner([tool], secret=b"k", on_run=runs.append)

    result = await runner.run(
        make_ctx(new_state()), "getEquipmentHistory", {"serial": "AB-12 #3", "limit": 3}
    )

    assert result.status == "ok", result
    assert result.data["model"] == "Carrier 24ACC6" and len(result.data["visits"]) == 3
    assert "notes" not in result.data["visits"][0]  # nulls are dropped for the model
    assert seen[0].path_params["serial"] == "AB-12 #3"  # encoded, so "#" does not end the path
    (exchange,) = runs[0].exchanges
    recorded = json.dumps(exchange.__dict__, default=str)
    assert exchange.status == 200 and exchange.kind == "http"
    assert API_KEY not in recorded and "[redacted]" in recorded


async def test_a_businesss_api_that_is_down_gives_an_error_the_model_can_act_on(
    make_ctx: Ctx, new_state: NewState, runs: list[ToolRun]
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    definition = HttpToolDef.model_validate(
        {
            "id": "unitStatus",
            "description": "A unit's status",
            "method": "GET",
            "url": "https://equipment.example.com/v1/status",
            "access": "public",
        }
    )
    runner = ToolRunner(
        [HttpTool(definition, transport=httpx.MockTransport(refuse))], secret=b"k", on_run=runs.append
    )

    result = await runner.run(make_ctx(new_state()), "unitStatus", {})

    assert result.status == "error" and "equipment.example.com could not be reached" in (result.message or "")
    assert runs[0].exchanges[0].error is not None and runs[0].exchanges[0].status is None


async def test_a_business_api_404_is_not_found(make_ctx: Ctx, new_state: NewState) -> None:
    loaded = load_capabilities(
        EXAMPLES / "equipment-history.yaml",
        secrets={"EQUIPMENT_API_KEY": API_KEY},
        transport=httpx.ASGITransport(app=equipment_api([])),
    )
    tool = loaded.tools["getEquipmentHistory"]
    tool.access = "public"
    result = await ToolRunner([tool], secret=b"k").run(
        make_ctx(new_state()), "getEquipmentHistory", {"serial": "missing"}
    )
    assert result.status == "not_found"


# --- compact answers --------------------------------------------------------------------------------


def test_a_long_list_is_cut_to_a_few_records_and_says_so() -> None:
    answer = {
        "page": 1,
        "pageSize": 50,
        "hasMore": True,
        "totalCount": 120,
        "data": [{"id": i, "name": f"Customer {i}", "email": None, "tags": []} for i in range(50)],
    }
    shrunk = compact(answer, max_items=10)
    assert [item["id"] for item in shrunk.data["items"]] == list(range(10))
    assert (
        shrunk.data["totalCount"] == 120 and shrunk.data["hasMore"] is True and "pageSize" not in shrunk.data
    )
    assert "email" not in shrunk.data["items"][0] and "tags" not in shrunk.data["items"][0]
    assert "first 10 of 50" in shrunk.notes[0]


def test_a_large_answer_stays_under_the_size_cap() -> None:
    answer = {"data": [{"id": i, "summary": "x" * 2000} for i in range(40)], "hasMore": False}
    shrunk = compact(answer, max_items=40, max_bytes=6 * 1024)
    assert len(json.dumps(shrunk.data)) <= 6 * 1024
    assert shrunk.data["items"] and shrunk.notes


def test_fields_keep_only_what_the_model_needs() -> None:
    answer = {"id": 7, "name": "Ann", "address": {"street": "1 Elm", "zip": "75001"}, "balance": 12.5}
    assert compact(answer, fields=["id", "address.zip"]).data == {"id": 7, "address": {"zip": "75001"}}
    visits = {"visits": [{"date": "2025-01-10", "work": "Tune-up"}, {"date": "2025-06-02", "work": "Repair"}]}
    assert compact(visits, fields=["visits.date"]).data == {
        "visits": [{"date": "2025-01-10"}, {"date": "2025-06-02"}]
    }


def test_path_values_stay_one_segment() -> None:
    assert path_segment("AB 12/3?x#y") == "AB%2012%2F3%3Fx%23y"
    assert path_segment("..") == "%2E%2E" and path_segment("v1.2") == "v1.2"


async def test_a_businesss_api_over_loopback_gets_its_parameters_and_key(
    make_ctx: Ctx, new_state: NewState, runs: list[ToolRun], tmp_path: Path
) -> None:
    seen: list[Request] = []
    server = LiveServer(equipment_api(seen)).start()
    try:
        example = (EXAMPLES / "equipment-history.yaml").read_text()
        local = example.replace("https://equipment.example.com", server.base_url).replace(
            "access: account", "access: public"
        )
        (tmp_path / "equipment.yaml").write_text(local)
        loaded = load_capabilities(tmp_path, secrets={"EQUIPMENT_API_KEY": API_KEY})
        assert loaded.ok, loaded.errors
        runner = ToolRunner(loaded.tools.values(), secret=b"k", on_run=runs.append)

        result = await runner.run(make_ctx(new_state()), "getEquipmentHistory", {"serial": "CX-9001"})
    finally:
        server.stop()

    assert result.status == "ok", result
    assert len(result.data["visits"]) == 5  # the file's default limit
    assert seen[0].query_params["limit"] == "5" and seen[0].headers["x-api-key"] == API_KEY
    assert runs[0].exchanges[0].url.startswith(server.base_url)
    assert API_KEY not in str(runs[0].exchanges[0])


async def test_a_businesss_api_that_does_not_answer_in_time(make_ctx: Ctx, new_state: NewState) -> None:
    def stall(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    definition = HttpToolDef(
        id="unitStatus",
        description="A unit's status",
        method="GET",
        url="https://eq.example.com/s",
        access="public",
    )
    tool = HttpTool(definition, transport=httpx.MockTransport(stall), timeout=2)
    result = await ToolRunner([tool], secret=b"k").run(make_ctx(new_state()), "unitStatus", {})
    assert result.status == "error" and "no answer within 2 s" in (result.message or "")


async def test_what_a_declarative_tool_returned_can_be_stated_in_a_reply(
    st_client: ServiceTitanClient, make_ctx: Ctx, new_state: NewState
) -> None:
    customer = await a_customer_with_jobs(st_client)
    runner = ToolRunner(guide_tools().tools.values(), secret=b"k")
    state = new_state()

    result = await runner.run(make_ctx(state), "getCustomerJobs", {"customerId": customer["id"]})

    job = result.data["items"][0]
    known = Known.from_facts(state.facts)
    assert job["jobNumber"] in known.job_numbers
    reply = f"Your last visit was job #{job['jobNumber']}."
    assert check(reply, known) == []
    assert check("Your last visit was job #99999999.", known) != []


async def test_a_lookup_tool_says_only_whether_someone_matched_until_verified(
    st_client: ServiceTitanClient, make_ctx: Ctx, new_state: NewState
) -> None:
    customer = await a_customer_with_jobs(st_client)
    runner = ToolRunner(guide_tools(access="lookup").tools.values(), secret=b"k")

    anonymous = await runner.run(make_ctx(new_state()), "searchCustomers", {"name": customer["name"]})
    assert anonymous.status == "ok" and anonymous.data["found"] is True
    assert customer["name"] not in str(anonymous.for_model()) and str(customer["id"]) not in str(
        anonymous.for_model()
    )
    assert anonymous.facts == []

    verified = await runner.run(
        make_ctx(new_state(verified_customer_id=customer["id"])),
        "searchCustomers",
        {"name": customer["name"]},
    )
    assert customer["name"] in str(verified.for_model())
