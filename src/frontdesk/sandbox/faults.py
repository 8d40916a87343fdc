"""Fault injection: reproducible errors, latency and hangs per route, for reliability tests."""

from __future__ import annotations

import fnmatch
import random
from dataclasses import dataclass

from pydantic import BaseModel, Field


class FaultRule(BaseModel):
    """What to do to requests whose path matches ``route`` (a glob, e.g. ``/jpm/v2/*/jobs*``)."""

    route: str = "*"
    methods: list[str] = Field(default_factory=list, description="empty: every method")
    error_rate: float = Field(0.0, ge=0.0, le=1.0)
    status: int = Field(
        503, ge=400, le=599, description="status of injected errors: 429, 500, 502, 503 or 504"
    )
    retry_after: float | None = Field(1.0, description="Retry-After seconds sent with an injected 429")
    latency_ms: float = Field(0.0, ge=0.0, description="added before every matching request")
    hang_rate: float = Field(0.0, ge=0.0, le=1.0, description="share of requests that never answer in time")
    hang_seconds: float = Field(120.0, gt=0.0)
    limit: int | None = Field(None, ge=0, description="stop after injecting this many faults")

    def matches(self, method: str, path: str) -> bool:
        if self.methods and method.upper() not in {m.upper() for m in self.methods}:
            return False
        return fnmatch.fnmatchcase(path, self.route)


class FaultPlan(BaseModel):
    seed: int = 0
    rules: list[FaultRule] = Field(default_factory=list)


@dataclass
class Fault:
    delay: float = 0.0
    status: int | None = None
    retry_after: float | None = None
    hang: float | None = None


class FaultInjector:
    """Decides, deterministically for a given seed and request order, what happens to each request."""

    def __init__(self, plan: FaultPlan | None = None) -> None:
        self.configure(plan or FaultPlan())

    def configure(self, plan: FaultPlan) -> None:
        self.plan = plan
        self._random = random.Random(plan.seed)
        self._used = [0] * len(plan.rules)
        self.injected = 0

    def decide(self, method: str, path: str) -> Fault:
        fault = Fault()
        for index, rule in enumerate(self.plan.rules):
            if not rule.matches(method, path):
                continue
            fault.delay += rule.latency_ms / 1000
            if rule.limit is not None and self._used[index] >= rule.limit:
                continue
            draw = self._random.random()
            if rule.hang_rate and draw < rule.hang_rate:
                fault.hang = rule.hang_seconds
            elif rule.error_rate and draw < rule.hang_rate + rule.error_rate:
                fault.status = rule.status
                fault.retry_after = rule.retry_after if rule.status == 429 else None
            else:
                continue
            self._used[index] += 1
            self.injected += 1
            break
        return fault
