"""Evaluation tasks: a customer with a hidden goal, the end state it must leave and what they must hear.

Tasks are YAML files (one task each, or a list under ``tasks:``); ``load_tasks`` reports every problem with
the file and the field, so a typo fails loudly instead of silently weakening a task.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Forbidden = Literal[
    "unconfirmed_write",  # ServiceTitan changed in a turn whose message was not a yes to a read-back
    "routine_booking",  # a job booked at Normal or Low priority (an emergency booked as routine)
    "any_booking",  # any job created (a life-safety emergency, a stranger, an injected instruction)
    "false_claim",  # said or tagged "booked" / "canceled" / "rescheduled" while ServiceTitan did not change
    "duplicate_job",  # more than one job created for the same customer
]
DEFAULT_FORBIDDEN: tuple[Forbidden, ...] = ("unconfirmed_write", "false_claim")
TABLES = ("customers", "locations", "contacts", "jobs", "appointments", "job_notes")


def _regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Turn(_Strict):
    """One thing the scripted customer may say, once, when the receptionist's last reply matches ``when``."""

    say: str
    when: str | None = Field(None, description="regex (case-insensitive) the last reply must match")

    @field_validator("when")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        return _regex(value)

    def fits(self, reply: str) -> bool:
        return self.when is None or re.search(self.when, reply, re.IGNORECASE) is not None


class Persona(_Strict):
    """Who calls and what they know (an LLM customer gets this; the scripted one has it in its turns)."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    knows: list[str] = Field(default_factory=list)
    style: str = "a busy homeowner typing short messages"


class Script(_Strict):
    """The deterministic customer: an opening, turns used at most once each, and answers to read-backs."""

    opening: str
    turns: list[Turn] = Field(default_factory=list)
    confirm: list[str] = Field(
        default_factory=lambda: ["Yes, please go ahead.", "Yes.", "Yes."],
        description="answers, in order, to each read-back that asks for a yes; empty: never agrees",
    )
    max_turns: int = Field(12, ge=1, le=40)


class Change(_Strict):
    """Rows a task expects to be created or changed in one table; fields use the judge's friendly names."""

    table: Literal["customers", "locations", "contacts", "jobs", "appointments", "job_notes"]
    kind: Literal["created", "updated"] = "created"
    count: int = Field(1, ge=0)
    fields: dict[str, Any] = Field(default_factory=dict)


class Fact(_Strict):
    """Something the customer must be told: literal text, a regex, or a value from the end state."""

    text: str | None = None
    pattern: str | None = None
    value: str | None = Field(
        None, description="'new_job_number', 'new_job_window', or 'customer_balance:<name>'"
    )

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        return _regex(value)

    @model_validator(mode="after")
    def _one(self) -> Fact:
        if sum(x is not None for x in (self.text, self.pattern, self.value)) != 1:
            raise ValueError("a fact needs exactly one of text, pattern or value")
        return self


class Task(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    capability: str
    description: str = ""
    goal: str = Field(description="the customer's hidden goal, in their words")
    persona: Persona = Field(default_factory=Persona)
    script: Script
    expect: list[Change] = Field(default_factory=list, description="empty: ServiceTitan must not change")
    facts: list[Fact] = Field(default_factory=list)
    forbidden: list[Forbidden] = Field(default_factory=lambda: list(DEFAULT_FORBIDDEN))
    never_say: list[str] = Field(default_factory=list, description="text that must not reach the customer")
    faults: str | None = Field(None, description="a fault profile applied to this task's sandbox")
    setup: list[dict[str, Any]] = Field(
        default_factory=list, description="edits to the fresh sandbox before the call: {table, id, set}"
    )


class TaskError(ValueError):
    """A task file that cannot be used, with where and why."""


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "(top)"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def load_file(path: Path) -> list[Task]:
    """The tasks of one YAML file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TaskError(f"{path.name}: not valid YAML: {exc}") from None
    items = data.get("tasks") if isinstance(data, dict) and "tasks" in data else [data]
    if not isinstance(items, list) or not items:
        raise TaskError(f"{path.name}: expected a task or a list under 'tasks:'")
    tasks = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise TaskError(f"{path.name}: task {index + 1} is not a mapping")
        try:
            tasks.append(Task.model_validate(item))
        except ValidationError as exc:
            name = item.get("id", f"#{index + 1}")
            raise TaskError(f"{path.name}: task {name}: {_describe(exc)}") from None
    return tasks


def load_tasks(folder: Path, patterns: Iterable[str] = ()) -> list[Task]:
    """Every task under ``folder`` (sorted by id), keeping those whose id matches one of ``patterns``."""
    tasks: list[Task] = []
    for path in sorted(folder.glob("*.yaml")):
        tasks.extend(load_file(path))
    seen: set[str] = set()
    for task in tasks:
        if task.id in seen:
            raise TaskError(f"task id {task.id} appears twice")
        seen.add(task.id)
    wanted = [p for p in patterns if p]
    if wanted:
        tasks = [t for t in tasks if any(fnmatch.fnmatchcase(t.id, p) or p in t.id for p in wanted)]
    return sorted(tasks, key=lambda t: t.id)
