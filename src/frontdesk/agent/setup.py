"""Assembling a working receptionist from configuration: one place every channel and command uses.

``open_receptionist`` wires the business profile, the ServiceTitan client and its reference cache, the
capability pack plus the business's own capability files, the ToolRunner with its guards, the knowledge
base, the conversation store and its locks, and the model (an LLM, or the offline guided model).
"""

from __future__ import annotations

import gc
import logging
import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pydantic_ai.models import Model

from frontdesk.agent.escalation import EscalateEmergency, HandOff
from frontdesk.agent.instructions import CapabilityText
from frontdesk.agent.knowledge import Knowledge, SearchKnowledge
from frontdesk.agent.models import ModelChoice, build, choose
from frontdesk.agent.notify import MemoryNotifier, Notifier, WebhookNotifier
from frontdesk.agent.receptionist import Parts, Receptionist
from frontdesk.capabilities.accounts import AccountCache, Accounts, RedisAccountCache
from frontdesk.capabilities.capture import capture_exchange
from frontdesk.capabilities.loader import LoadError, load_capabilities
from frontdesk.capabilities.pack import builtin_tools, pack_files
from frontdesk.capabilities.reference import ReferenceCache
from frontdesk.capabilities.runner import ToolRunner
from frontdesk.capabilities.tool import Tool
from frontdesk.clock import Clock, SystemClock
from frontdesk.profile import BusinessProfile
from frontdesk.servicetitan import ServiceTitanClient, ServiceTitanSettings
from frontdesk.store.conversations import ConversationStore
from frontdesk.store.locks import ConversationLocks, RedisConversationLocks

log = logging.getLogger("frontdesk.setup")

SECRET_ENV = "FRONTDESK_SECRET"


@dataclass
class Options:
    """What a receptionist is made of; every field has a sensible default for the demo."""

    profile: BusinessProfile
    servicetitan: ServiceTitanSettings
    database_url: str | None = None
    model: ModelChoice | None = None  # None: from FRONTDESK_MODEL (guided when unset)
    capability_files: Sequence[Path] = ()
    clock: Clock = field(default_factory=SystemClock)
    secret: bytes | None = None  # signs confirmation ids; None: FRONTDESK_SECRET or a per-install file
    secret_file: Path = Path("var/frontdesk.secret")
    redis_url: str | None = None  # share conversation locks with other workers
    transport: httpx.AsyncBaseTransport | None = None  # tests: drive an in-process sandbox
    ids: Callable[[], str] | None = None
    business: str = "default"
    disabled: Mapping[str, str] = field(default_factory=dict)  # tool id → why it is off (doctor)
    notifier: Notifier | None = None  # where emergency and handoff notices go (default: on-call webhook)
    model_override: Model | None = None  # tests: a scripted model
    fallback_override: Model | None = None


@dataclass
class Running:
    """A receptionist and what it holds open; ``await running.aclose()`` releases everything."""

    receptionist: Receptionist
    store: ConversationStore
    client: ServiceTitanClient
    runner: ToolRunner
    model_label: str
    load_errors: list[LoadError]
    _stack: AsyncExitStack
    notifier: Notifier | None = None

    async def aclose(self) -> None:
        await self._stack.aclose()


def confirmation_secret(options: Options) -> bytes:
    """The key that signs confirmation ids: configured, or made once per installation and kept private."""
    if options.secret is not None:
        return options.secret
    configured = os.environ.get(SECRET_ENV)
    if configured:
        return configured.encode()
    path = options.secret_file
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32).encode()
    path.touch(mode=0o600)
    path.write_bytes(value)
    return value


def _model(choice: ModelChoice, options: Options) -> Model:
    if choice.kind == "guided":
        from frontdesk.agent.guided.model import guided_model

        return guided_model(options.profile, options.clock)
    return build(choice)


def settle_startup_objects() -> None:
    """Call once the server is ready, before it takes traffic: what startup made (modules, reference data,
    a demo sandbox's records) lives as long as the process, so it leaves the garbage collector's view. A
    full collection then only walks what conversations create, and stops the event loop for a few
    milliseconds instead of over a hundred under load."""
    gc.collect()
    gc.freeze()


async def open_receptionist(options: Options) -> Running:
    stack = AsyncExitStack()
    try:
        return await _open(options, stack)
    except BaseException:
        await stack.aclose()
        raise


async def _open(options: Options, stack: AsyncExitStack) -> Running:
    profile = options.profile
    client = ServiceTitanClient(
        options.servicetitan, transport=options.transport, clock=options.clock, recorder=capture_exchange
    )
    stack.push_async_callback(client.aclose)
    knowledge = Knowledge.from_folder(profile.knowledge_dir)
    builtins: dict[str, Tool] = {**builtin_tools(), "searchKnowledge": SearchKnowledge(knowledge)}
    loaded = load_capabilities([*pack_files(), *options.capability_files], builtins)
    for error in loaded.errors:
        log.error("capability file %s: %s: %s", error.file, error.field, error.reason)
    tools: dict[str, Tool] = dict(loaded.tools)
    if knowledge.passages:
        tools["searchKnowledge"] = builtins["searchKnowledge"]
    notifier = options.notifier or _notifier(profile, stack)
    for person_tool in (EscalateEmergency(notifier), HandOff(notifier)):
        tools[person_tool.id] = person_tool
    runner = ToolRunner(tools.values(), secret=confirmation_secret(options), disabled=options.disabled)
    store = await ConversationStore.open(options.database_url, clock=options.clock, ids=options.ids)
    stack.push_async_callback(store.close)
    redis_url = options.redis_url or options.servicetitan.redis_url  # workers sharing a token share locks too
    locks: Any = RedisConversationLocks(redis_url) if redis_url else ConversationLocks()
    stack.push_async_callback(locks.close)
    # the turns of one conversation may land on different workers: they share the accounts read, too
    accounts: Accounts = (
        RedisAccountCache(
            redis_url, tenant=f"{options.servicetitan.tenant_id}@{options.servicetitan.api_base}"
        )
        if redis_url
        else AccountCache(options.clock)
    )
    stack.push_async_callback(accounts.close)
    choice = options.model or choose()
    model = options.model_override or _model(choice, options)
    fallback = options.fallback_override
    if fallback is None and choice.kind != "guided":
        fallback = _model(ModelChoice("guided", "guided"), options)
    reference = ReferenceCache(client)
    texts = [CapabilityText(c.name, c.instructions) for c in loaded.capabilities]
    texts.append(
        CapabilityText(
            "People and emergencies",
            "When the customer describes an emergency, give the business's safety steps first and call "
            "escalateEmergency. When they ask for a person, are upset, dispute a bill, or you could not help "
            "after two tries, call handOff with a short summary for the person taking over.",
        )
    )
    if knowledge.passages:
        texts.append(
            CapabilityText(
                "Company knowledge",
                "For questions about the company itself (service area, hours, fees, warranty, payment), use "
                "searchKnowledge and answer from what it returns, naming the source.",
            )
        )
    parts = Parts(
        profile=profile,
        client=client,
        runner=runner,
        reference=reference,
        capabilities=texts,
        store=store,
        locks=locks,
        clock=options.clock,
        model=model,
        model_label=choice.label,
        fallback=fallback,
        knowledge=knowledge.relevant if knowledge.passages else None,
        business=options.business,
        escalation=runner,
        accounts=accounts,
    )
    receptionist = Receptionist(parts)
    return Running(receptionist, store, client, runner, choice.label, list(loaded.errors), stack, notifier)


def _notifier(profile: BusinessProfile, stack: AsyncExitStack) -> Notifier:
    """Notices go to the on-call webhook when the profile names one, and are always kept in memory."""
    kept = MemoryNotifier()
    if profile.on_call is None or not profile.on_call.webhook_url:
        return kept
    http = httpx.AsyncClient(timeout=10)
    stack.push_async_callback(http.aclose)
    return WebhookNotifier(http, fallback=kept)
