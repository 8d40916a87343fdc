"""The business profile: who the receptionist works for, and the rules it follows for them.

Configuration is data: a YAML file (``frontdesk init`` writes one) validated here with errors that name
the field and say what is expected. Channels, capabilities and the agent all read the same profile.
"""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OpeningHours(_Model):
    """Opening hours per weekday, as ``"08:00-18:00"`` or ``"closed"``."""

    monday: str = "08:00-18:00"
    tuesday: str = "08:00-18:00"
    wednesday: str = "08:00-18:00"
    thursday: str = "08:00-18:00"
    friday: str = "08:00-18:00"
    saturday: str = "09:00-13:00"
    sunday: str = "closed"

    @field_validator(*DAYS)
    @classmethod
    def _span(cls, value: str) -> str:
        if value.strip().lower() == "closed":
            return "closed"
        match = _SPAN.match(value)
        if not match:
            raise ValueError('use "HH:MM-HH:MM" (24-hour clock) or "closed"')
        start, end = _times(match)
        if start >= end:
            raise ValueError("the opening time must be before the closing time")
        return value.strip()

    def span(self, weekday: int) -> tuple[time, time] | None:
        """Opening and closing time for a weekday (0 = Monday), or None when closed."""
        value: str = getattr(self, DAYS[weekday])
        if value == "closed":
            return None
        match = _SPAN.match(value)
        assert match is not None
        return _times(match)


def _times(match: re.Match[str]) -> tuple[time, time]:
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    return time(h1, m1), time(23, 59) if (h2, m2) == (24, 0) else time(h2, m2)


class JobTypeGuidance(_Model):
    """How to choose a ServiceTitan job type from what the customer describes."""

    job_type: str = Field(description="the job type's name in ServiceTitan")
    use_when: str
    not_when: str = ""
    keywords: list[str] = Field(default_factory=list, description="words that point to this job type")


class EmergencyTrigger(_Model):
    """Phrases that signal an emergency, and what they mean for the business."""

    name: str
    level: Literal["life_safety", "urgent"]
    phrases: list[str] = Field(min_length=1)
    meaning: str
    instructions: str = Field(description="what to tell the customer first, in the business's words")
    job_type: str | None = Field(None, description="job type to book for urgent (not life-safety) cases")
    condition: str | None = Field(None, description="e.g. 'below 32°F' — said to the customer, not evaluated")


class OnCall(_Model):
    """Who is told about emergencies and handoffs."""

    name: str
    phone: str | None = None
    email: str | None = None
    sms: str | None = None
    webhook_url: str | None = None


FirstFactor = Literal["phone", "caller_id", "email"]
SecondFactor = Literal["name", "zip", "street"]


def _default_first() -> list[FirstFactor]:
    return ["phone", "caller_id"]


def _default_second() -> list[SecondFactor]:
    return ["name", "zip"]


class Verification(_Model):
    """What proves a customer is the account holder before account details are shared."""

    first_factor: list[FirstFactor] = Field(default_factory=_default_first)
    second_factor: list[SecondFactor] = Field(default_factory=_default_second)


class Policies(_Model):
    ai_disclosure: bool = Field(True, description="say up front that the customer is talking with an AI")
    quote_prices: bool = Field(False, description="give price ranges from the knowledge base")
    max_clarifications: int = Field(2, ge=1, le=5, description="failed tries before offering a person")
    windows_to_offer: int = Field(4, ge=3, le=5)
    booking_horizon_days: int = Field(14, ge=1, le=60)


class Brand(_Model):
    primary_color: str = "#1f6feb"
    accent_color: str = "#0b3d91"
    greeting: str = "Hi! How can we help today?"

    @field_validator("primary_color", "accent_color")
    @classmethod
    def _color(cls, value: str) -> str:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise ValueError("use a hex colour like #1f6feb")
        return value


class BusinessProfile(_Model):
    name: str = Field(min_length=1)
    phone: str
    email: str | None = None
    website: str | None = None
    time_zone: str = "America/Chicago"
    hours: OpeningHours = Field(default_factory=OpeningHours)
    service_area_zips: list[str] = Field(default_factory=list, description="empty: no service-area check")
    arrival_window_hours: int = Field(2, ge=1, le=8)
    default_campaign: str = Field(description="name of the ServiceTitan campaign jobs are booked under")
    job_types: list[JobTypeGuidance] = Field(default_factory=list)
    emergencies: list[EmergencyTrigger] = Field(default_factory=list)
    on_call: OnCall | None = None
    verification: Verification = Field(default_factory=Verification)
    policies: Policies = Field(default_factory=Policies)
    brand: Brand = Field(default_factory=Brand)
    knowledge_dir: Path | None = Field(
        None, description="folder of markdown documents, relative to the profile"
    )
    capabilities: list[str] = Field(
        default_factory=lambda: ["servicetitan"],
        description="'servicetitan' (the built-in pack) and/or paths of capability YAML files or folders",
    )

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{value}' is not an IANA time zone (e.g. America/Chicago)") from None
        return value

    @field_validator("service_area_zips")
    @classmethod
    def _zips(cls, value: list[str]) -> list[str]:
        bad = [z for z in value if not re.fullmatch(r"\d{5}", str(z))]
        if bad:
            raise ValueError(f"ZIP codes must have five digits: {', '.join(map(str, bad))}")
        return [str(z) for z in value]

    @model_validator(mode="after")
    def _emergency_job_types(self) -> BusinessProfile:
        for trigger in self.emergencies:
            if trigger.level == "urgent" and not trigger.job_type:
                raise ValueError(f"emergency '{trigger.name}' is urgent, so it needs a job_type to book")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def serves(self, zip_code: str) -> bool:
        return not self.service_area_zips or zip_code[:5] in self.service_area_zips


class ProfileError(ValueError):
    """A profile file that cannot be used, with every problem named by field."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


def load_profile(path: str | Path) -> BusinessProfile:
    """Read and validate a profile; relative paths inside it are taken relative to the file."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(path, ["the file does not exist (create one with `frontdesk init`)"]) from None
    except yaml.YAMLError as exc:
        raise ProfileError(path, [f"not valid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise ProfileError(path, ["the file must hold a mapping of fields (name: …, phone: …)"])
    try:
        profile = BusinessProfile.model_validate(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors()]
        raise ProfileError(path, problems) from None
    if profile.knowledge_dir is not None and not profile.knowledge_dir.is_absolute():
        profile = profile.model_copy(
            update={"knowledge_dir": (path.parent / profile.knowledge_dir).resolve()}
        )
    return profile


def demo_profile_path() -> Path:
    """The demo business's profile, shipped inside the package."""
    return Path(__file__).parent / "demo" / "profile.yaml"
