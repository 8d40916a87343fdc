"""What every tool is and returns, whoever calls it (an LLM, the guided model, a test, a channel)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from frontdesk.capabilities.accounts import Accounts
    from frontdesk.capabilities.state import GuardState
    from frontdesk.clock import Clock
    from frontdesk.profile import BusinessProfile
    from frontdesk.servicetitan.client import ServiceTitanClient

Effect = Literal["read", "write"]
# Who may see what a tool returns: "public" needs nobody verified (e.g. availability), "lookup" runs
# before verification but says only whether an account matches, "account" needs the verified customer.
Access = Literal["public", "lookup", "account"]
FactKind = Literal[
    "job_number", "job_id", "window", "date", "time", "technician", "amount", "customer", "address",
    "status", "booking", "reschedule", "cancellation", "customer_created", "invoice", "email", "phone",
    "escalation", "handoff",
]  # fmt: skip


class Fact(BaseModel):
    """Something a tool result establishes, which a reply may then state (see agent grounding)."""

    kind: FactKind
    value: str
    forms: list[str] = Field(default_factory=list, description="other spellings a reply may use")


class Proposal(BaseModel):
    """A write that was prepared but not done: the customer must agree to ``summary`` first."""

    confirmation_id: str
    summary: str
    expires_at: str


Status = Literal["ok", "not_found", "error", "refused", "proposal", "repeat"]


class ToolResult(BaseModel):
    """A tool's answer: compact data for the model, facts for grounding, and a status code can check."""

    status: Status = "ok"
    data: dict[str, Any] = Field(default_factory=dict)
    message: str | None = Field(None, description="for the model: what happened and what to do next")
    facts: list[Fact] = Field(default_factory=list)
    proposal: Proposal | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "repeat")

    def for_model(self) -> dict[str, Any]:
        """What the model sees: no private fields, nothing it should not repeat."""
        out: dict[str, Any] = {"status": self.status}
        if self.message:
            out["message"] = self.message
        if self.data:
            out["data"] = self.data
        if self.proposal:
            out["proposal"] = {
                "summary": self.proposal.summary,
                "confirmation_id": self.proposal.confirmation_id,
            }
        return out

    @classmethod
    def refused(cls, message: str) -> ToolResult:
        return cls(status="refused", message=message)

    @classmethod
    def error(cls, message: str, **data: Any) -> ToolResult:
        return cls(status="error", message=message, data=data)


@dataclass
class ToolContext:
    """What a tool may use: ServiceTitan, the business, the clock, cached reference data and accounts, guard
    state."""

    client: ServiceTitanClient
    profile: BusinessProfile
    clock: Clock
    state: GuardState
    reference: Any  # frontdesk.capabilities.reference.ReferenceCache (typed loosely to avoid an import cycle)
    extra: dict[str, Any] = field(default_factory=dict)
    # accounts found by phone in the last minutes, shared by conversations; None reads ServiceTitan each time
    accounts: Accounts | None = None


class Tool(ABC):
    """A callable capability tool. Subclasses declare their contract; the ToolRunner enforces it."""

    id: str
    description: str
    effect: Effect = "read"
    access: Access = "account"
    scopes: tuple[str, ...] = ()

    @abstractmethod
    def parameters(self) -> dict[str, Any]:
        """JSON schema of the arguments (an object schema), for function calling."""

    @abstractmethod
    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        """Do the work. Write tools only run after the ToolRunner's confirmation check."""

    def customer_id(self, args: dict[str, Any]) -> int | None:
        """The customer an account tool acts on, when its arguments name one (checked by the identity gate)."""
        value = args.get("customerId", args.get("customer_id"))
        return int(value) if isinstance(value, int | str) and str(value).isdigit() else None

    async def summarize(self, ctx: ToolContext, args: dict[str, Any]) -> str:
        """A plain-words summary of a write, for the customer to agree to (write tools override this)."""
        return f"{self.id} with {args}"

    async def prepare(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult | None:
        """Checks a write must pass before it is proposed (e.g. the window is still free); None if fine."""
        return None
