"""Check a ServiceTitan connection the way a new user needs: settings, token, tenant, and every scope.

Each scope is probed with one call that cannot change anything: a ``GET`` with ``pageSize=1`` for a read
scope; for a write scope a ``PATCH``/``POST`` with an empty body, to id 0 where the path has an id. The
gateway checks the scope before it looks at the body or the id, so 403 means the scope is missing and
200/400/404/409 mean it is granted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from frontdesk.servicetitan.client import ServiceTitanClient
from frontdesk.servicetitan.errors import (
    ConnectionFailed,
    Forbidden,
    NotFound,
    ServiceTitanError,
    Timeout,
    Unauthorized,
)
from frontdesk.servicetitan.retry import RetryPolicy
from frontdesk.servicetitan.scopes import GRANT_LOCATION, SEED_SCOPES, grant_advice
from frontdesk.servicetitan.settings import Environment, ServiceTitanSettings

DEFAULT_SANDBOX_URL = "http://127.0.0.1:8400"
ENV_PREFIX = "FRONTDESK_ST_"
REQUIRED_SETTINGS = ("tenant_id", "client_id", "client_secret", "app_key")
# ServiceTitan's credential shapes (API.md); a value of another shape is usually pasted into the wrong variable
SHAPES = {"client_id": "cid.", "client_secret": "cs1.", "app_key": "ak1."}


@dataclass(frozen=True)
class Probe:
    """One harmless call that succeeds past the gateway only when ``scope`` is granted."""

    scope: str
    method: str
    module: str
    path: str
    tools: tuple[str, ...] = ()  # the capability tools (the guide's ids) that need the scope
    optional_use: str = ""  # for a scope no tool needs: the feature that uses it
    body: Mapping[str, Any] | None = None

    @property
    def params(self) -> dict[str, Any] | None:
        return {"pageSize": 1} if self.method == "GET" else None

    @property
    def required(self) -> bool:
        return bool(self.tools)


def _read(scope: str, module: str, path: str, *tools: str, optional: str = "") -> Probe:
    return Probe(scope, "GET", module, path, tools, optional)


def _write(scope: str, method: str, module: str, path: str, *tools: str, optional: str = "") -> Probe:
    return Probe(scope, method, module, path, tools, optional, body={})


PROBES: tuple[Probe, ...] = (
    _read("tn.crm.customers:r", "crm", "customers", "searchCustomers", "createCustomer"),
    _write("tn.crm.customers:w", "PATCH", "crm", "customers/0", "createCustomer"),
    _read("tn.crm.locations:r", "crm", "locations", "searchCustomers", "createAppointment"),
    _write("tn.crm.locations:w", "PATCH", "crm", "locations/0", optional="adding an address to a customer"),
    _read(
        "tn.crm.bookings:r",
        "crm",
        "booking-provider/0/bookings",
        optional="booking requests left for a CSR to review",
    ),
    _write(
        "tn.crm.bookings:w",
        "POST",
        "crm",
        "booking-provider/0/bookings",
        optional="booking requests left for a CSR to review",
    ),
    _read(
        "tn.jpm.jobs:r", "jpm", "jobs", "getCustomerJobs", "getJobStatus", "cancelAppointment", "addJobNote"
    ),
    _write("tn.jpm.jobs:w", "PATCH", "jpm", "jobs/0", "createAppointment", "cancelAppointment", "addJobNote"),
    _read(
        "tn.jpm.appointments:r",
        "jpm",
        "appointments",
        "getCustomerJobs",
        "getJobStatus",
        "rescheduleAppointment",
        "cancelAppointment",
    ),
    _write(
        "tn.jpm.appointments:w",
        "PATCH",
        "jpm",
        "appointments/0/reschedule",
        "rescheduleAppointment",
        "cancelAppointment",
    ),
    _read("tn.jpm.jobtypes:r", "jpm", "job-types", "getAvailableTimeSlots", "createAppointment"),
    _read("tn.jpm.jobcancelreasons:r", "jpm", "job-cancel-reasons", "cancelAppointment"),
    _read("tn.jpm.jobholdreasons:r", "jpm", "job-hold-reasons", optional="putting a job on hold"),
    _write(
        "tn.dis.capacity:w",
        "POST",
        "dispatch",
        "capacity",
        "getAvailableTimeSlots",
        "createAppointment",
        "rescheduleAppointment",
    ),
    _read(
        "tn.dis.appointmentassignments:r",
        "dispatch",
        "appointment-assignments",
        "getJobStatus",
        "getTechnicianLocation",
    ),
    _write(
        "tn.dis.appointmentassignments:w",
        "POST",
        "dispatch",
        "appointment-assignments/assign-technicians",
        optional="assigning a technician while booking",
    ),
    _read(
        "tn.dis.technicianshifts:r",
        "dispatch",
        "technician-shifts",
        optional="who is on call for emergencies",
    ),
    _read("tn.dis.techniciantracking:r", "dispatch", "technician-tracking", "getTechnicianLocation"),
    _read(
        "tn.dis.businesshours:r",
        "dispatch",
        "business-hours",
        optional="business hours from ServiceTitan rather than the profile",
    ),
    _read("tn.stt.technicians:r", "settings", "technicians", "getJobStatus", "getTechnicianLocation"),
    _read(
        "tn.stt.businessunits:r", "settings", "business-units", "getAvailableTimeSlots", "createAppointment"
    ),
    _read("tn.acc.invoices:r", "accounting", "invoices", "getCustomerInvoices", "getInvoice"),
    _read(
        "tn.mem.memberships:r",
        "memberships",
        "memberships",
        optional="membership status (maintenance due, member pricing)",
    ),
    _read("tn.mrk.campaigns:r", "marketing", "campaigns", "createAppointment"),
)

_GUIDE_NAMES = {real: made_up for made_up, real in SEED_SCOPES.items()}

Status = Literal["pass", "fail", "warn"]  # warn: only an optional feature is affected
MARKS: dict[Status, str] = {
    "pass": "[green]✓[/green]",
    "fail": "[red]✗[/red]",
    "warn": "[yellow]![/yellow]",
}


@dataclass(frozen=True)
class Check:
    """The outcome of one check; nothing in it is secret."""

    name: str
    status: Status
    detail: str
    fix: str | None = None
    scope: str | None = None
    granted: bool | None = None  # for a scope: what its probe showed (None: could not tell)


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # environment variables to set

    @property
    def exit_code(self) -> int:
        """0 all passed, 1 a check failed, 2 the settings are missing or invalid."""
        if self.missing or any(c.name == "settings" and c.status == "fail" for c in self.checks):
            return 2
        return 1 if any(c.status == "fail" for c in self.checks) else 0

    @property
    def missing_scopes(self) -> list[str]:
        return [c.scope for c in self.checks if c.scope and c.granted is False]

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)


def env_var(name: str) -> str:
    return ENV_PREFIX + name.upper()


# --- settings -------------------------------------------------------------------------------------


def sandbox_settings(url: str = DEFAULT_SANDBOX_URL) -> ServiceTitanSettings:
    """The demo client of the local sandbox (``frontdesk sandbox``) at ``url``."""
    from frontdesk.sandbox.config import DEMO_APP_KEY, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT

    return ServiceTitanSettings(
        _env_file=None,
        tenant_id=DEMO_TENANT,
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        app_key=DEMO_APP_KEY,
        environment=Environment.SANDBOX,
        api_url=url,
        auth_url=None,
    )


def load_settings(env_file: Path | None = None) -> tuple[ServiceTitanSettings | None, Report]:
    """Settings from the environment and ``env_file`` (``.env`` when None), and the settings check."""
    report = Report()
    if env_file is not None and not env_file.is_file():
        report.checks.append(
            Check("settings", "fail", f"{env_file} does not exist", "Give --env-file an existing file.")
        )
        return None, report
    try:
        settings = ServiceTitanSettings(_env_file=env_file or ".env")
    except ValidationError as exc:
        missing: list[str] = []
        invalid: list[str] = []
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else ""
            if error["type"] == "missing":
                missing.append(env_var(name))
            else:  # the value itself is never shown: it may be a secret
                invalid.append(f"{env_var(name)}: {error['msg']}")
        report.missing = missing
        parts = []
        if missing:
            parts.append("not set: " + ", ".join(missing))
        if invalid:
            parts.append("invalid: " + "; ".join(invalid))
        source = f"the environment or {env_file}" if env_file else "the environment or .env"
        fix = (
            f"Set them in {source}. The app key is on your app's page in the ServiceTitan developer "
            f"portal; the tenant id, client id and secret are in {GRANT_LOCATION} once an admin has "
            "connected the app. To try the local sandbox instead: frontdesk doctor --sandbox."
        )
        report.checks.append(Check("settings", "fail", "; ".join(parts), fix))
        return None, report
    report.checks.append(settings_check(settings))
    return settings, report


def settings_check(settings: ServiceTitanSettings) -> Check:
    where = settings.environment.value
    if settings.api_url:
        where += f" at {settings.api_base}"
    detail = f"tenant {settings.tenant_id}, client {settings.client_id}, {where}"
    odd = []
    values = {
        "client_id": settings.client_id,
        "client_secret": settings.client_secret.get_secret_value(),
        "app_key": settings.app_key.get_secret_value(),
    }
    for name, prefix in SHAPES.items():
        if not values[name].startswith(prefix):
            odd.append(f"{env_var(name)} does not start with {prefix}")
    if odd:
        return Check(
            "settings",
            "warn",
            detail + "; " + "; ".join(odd),
            "Check that each value went into its own variable.",
        )
    return Check("settings", "pass", detail)


# --- the checks -----------------------------------------------------------------------------------


def _unreachable(exc: ServiceTitanError, where: str, sandbox: bool) -> Check:
    detail = f"could not reach {where}: {exc.message}"
    if sandbox:
        fix = "Start the sandbox (`frontdesk sandbox`), or give the address it listens on (--sandbox-url)."
    else:
        fix = (
            f"Check {env_var('environment')} (production or integration) and, if set, "
            f"{env_var('api_url')} / {env_var('auth_url')}; then this machine's network and proxy."
        )
    return Check("connection", "fail", detail, fix)


async def _token(st: ServiceTitanClient, settings: ServiceTitanSettings) -> list[Check]:
    sandbox = settings.environment is Environment.SANDBOX
    try:
        await st.tokens.get()
    except (ConnectionFailed, Timeout) as exc:
        return [_unreachable(exc, settings.auth_base, sandbox)]
    except Unauthorized as exc:
        return [
            Check("connection", "pass", f"{settings.auth_base} answers"),
            Check("token", "fail", f"refused: {exc.message}", exc.advice),
        ]
    except ServiceTitanError as exc:
        return [
            Check("connection", "pass", f"{settings.auth_base} answers"),
            Check("token", "fail", f"{exc.status or ''} {exc.message}".strip(), exc.advice),
        ]
    token = st.tokens.cache.valid(st.tokens.key, 0.0)  # at 0.0 any token it holds counts as valid
    granted = len(token.scope.split()) if token is not None and token.scope else None
    detail = f"got one from {settings.token_url}"
    if granted is not None:
        detail += f"; it lists {granted} scopes"
    return [Check("connection", "pass", f"{settings.auth_base} answers"), Check("token", "pass", detail)]


async def _tenant(st: ServiceTitanClient, settings: ServiceTitanSettings) -> Check:
    name = "tenant"
    try:
        await st.send("GET", "crm", "customers", params={"pageSize": 1})
    except Forbidden as exc:
        if exc.required_scope:  # the gateway got as far as the scope: the tenant itself is fine
            return Check(name, "pass", f"tenant {settings.tenant_id} answers this app")
        return Check(name, "fail", f"403 {exc.message}", exc.advice)
    except Unauthorized as exc:
        # the auth server has just issued the token, so the app key is the likely culprit
        hint = f"The token is fresh, so check {env_var('app_key')} first (ST-App-Key). "
        return Check(name, "fail", f"{exc.status} {exc.message}", hint + exc.advice)
    except NotFound as exc:
        return Check(name, "fail", f"{exc.status} {exc.message}", exc.advice)
    except (ConnectionFailed, Timeout) as exc:
        return Check(name, "fail", f"could not reach {settings.api_base}", f"{exc.message}. {exc.advice}")
    except ServiceTitanError as exc:
        return Check(name, "fail", f"{exc.status or ''} {exc.message}".strip(), exc.advice)
    return Check(name, "pass", f"tenant {settings.tenant_id} answers this app")


def _needed_by(probe: Probe) -> str:
    return ", ".join(probe.tools) if probe.tools else f"optional: {probe.optional_use}"


async def _probe(st: ServiceTitanClient, probe: Probe) -> Check:
    guide = _GUIDE_NAMES.get(probe.scope)
    called = f"; the guide calls it {guide}" if guide else ""
    try:
        await st.send(probe.method, probe.module, probe.path, params=probe.params, json=probe.body)
    except Forbidden:
        fix = grant_advice(probe.scope)
        if guide:
            fix = f"The guide's {guide} is not a ServiceTitan name; it is {probe.scope}. " + fix
        mark: Status = "fail" if probe.required else "warn"
        detail = f"missing (403) — {_needed_by(probe)}"
        return Check(probe.scope, mark, detail, fix, probe.scope, granted=False)
    except ServiceTitanError as exc:
        # 400/404/409 come from past the gateway's scope check: the body or the id was refused
        if exc.status not in (400, 404, 409):
            got = f"{exc.status} {exc.message}" if exc.status else exc.message
            call = f"{probe.method} {probe.module}/…/{probe.path}"
            return Check(probe.scope, "fail", f"could not check: {call} → {got}", exc.advice, probe.scope)
    detail = f"granted — {_needed_by(probe)}{called}"
    return Check(probe.scope, "pass", detail, None, probe.scope, granted=True)


async def diagnose(
    settings: ServiceTitanSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    probes: Sequence[Probe] = PROBES,
) -> list[Check]:
    """Token, tenant and scope checks for ``settings``; stops at the first check the rest depend on."""
    # a doctor should answer in seconds: few retries, short waits
    retry = RetryPolicy(max_attempts=2, deadline=20.0, backoff_base=0.2, backoff_max=1.0)
    timeout = httpx.Timeout(15.0, connect=5.0)
    async with ServiceTitanClient(settings, transport=transport, retry=retry, timeout=timeout) as st:
        checks = await _token(st, settings)
        if checks[-1].status != "pass":
            return checks
        tenant = await _tenant(st, settings)
        checks.append(tenant)
        if tenant.status != "pass":
            return checks
        checks.extend(await asyncio.gather(*(_probe(st, p) for p in probes)))
    return checks


async def run_checks(
    settings: ServiceTitanSettings | None = None,
    *,
    env_file: Path | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Report:
    """Every check, as data: the given settings, or those of the environment and ``env_file``."""
    if settings is None:
        loaded, report = load_settings(env_file)
        if loaded is None:
            return report
        settings = loaded
    else:
        report = Report([settings_check(settings)])
    report.checks.extend(await diagnose(settings, transport=transport))
    return report


# --- output ---------------------------------------------------------------------------------------


def _grant_all(scopes: list[str]) -> str:
    advice = grant_advice(", ".join(scopes))
    return advice.replace("the scope ", "the scopes ", 1) if len(scopes) > 1 else advice


def print_report(report: Report, console: Console) -> None:
    """The checks as a table, then how to grant missing scopes and which variables to set."""
    table = Table(show_header=True, header_style="bold", expand=True)
    table.add_column("", no_wrap=True)
    table.add_column("check", no_wrap=True)
    table.add_column("detail", ratio=3, overflow="fold")
    with_fix = any(c.status in ("fail", "warn") for c in report.checks)
    if with_fix:
        table.add_column("fix", ratio=2, overflow="fold")
    for check in report.checks:
        fix = check.fix or ""
        if check.granted is False and check.scope:  # the long advice comes once, under the table
            guide = _GUIDE_NAMES.get(check.scope)
            fix = "Grant it" + (f" (the guide's {guide})" if guide else "") + "; see below."
        row = [MARKS[check.status], escape(check.name), escape(check.detail)]
        if with_fix:
            row.append(escape(fix))
        table.add_row(*row)
    console.print(table)
    required = [c.scope for c in report.checks if c.scope and c.granted is False and c.status == "fail"]
    optional = [c.scope for c in report.checks if c.scope and c.granted is False and c.status == "warn"]
    if required:
        console.print("\n" + escape(_grant_all(required)), soft_wrap=False)  # prose: wrap at the width
    if optional:
        also = "Grant them the same way to have those features." if required else _grant_all(optional)
        console.print(
            f"\nOnly optional features use {', '.join(optional)}; the receptionist works without them. "
            + escape(also),
            soft_wrap=False,
        )
    if report.missing:
        console.print("\nSet these environment variables (or write them into the env file):")
        for name in report.missing:
            console.print(f"  {name}=…")
    summary = {
        0: "[green]All checks passed.[/green]",
        1: "[red]Some checks failed: see the fix column.[/red]",
        2: "[red]The settings are incomplete.[/red]",
    }
    console.print("\n" + summary[report.exit_code])
