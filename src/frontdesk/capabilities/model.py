"""What a capability file holds: a capability with instructions and its tools, declarative or built-in."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from frontdesk.capabilities.tool import Access, Effect

ParamType = Literal["string", "integer", "number", "boolean", "object", "array"]
Location = Literal["query", "path", "body"]
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]

TOOL_ID = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"  # what function-calling APIs accept as a name
PARAM_NAME = r"^[A-Za-z_][\w.-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _lower(value: Any) -> Any:
    # the guide writes `Query` and `Body`; a file may copy it as it stands
    return value.strip().lower() if isinstance(value, str) else value


class Param(_Strict):
    """One argument of an HTTP tool and where it travels."""

    name: str = Field(pattern=PARAM_NAME)
    location: Location = "query"
    type: ParamType = "string"
    description: str = ""
    required: bool = False
    enum: list[Any] | None = Field(None, min_length=1)
    default: Any = None
    min: float | None = Field(None, description="least value, or least length for strings and lists")
    max: float | None = Field(None, description="greatest value, or greatest length for strings and lists")

    _lower_location = field_validator("location", "type", mode="before")(_lower)

    @model_validator(mode="after")
    def _bounds(self) -> Param:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is greater than max ({self.max:g})")
        if self.type in ("object", "boolean") and (self.min is not None or self.max is not None):
            raise ValueError(f"min and max do not apply to a {self.type}")
        return self

    def json_schema(self) -> dict[str, Any]:
        """The JSON schema of this argument."""
        out: dict[str, Any] = {"type": self.type}
        if self.description:
            out["description"] = self.description
        if self.enum is not None:
            out["enum"] = list(self.enum)
        if self.default is not None:
            out["default"] = self.default
        lengths = {"string": ("minLength", "maxLength"), "array": ("minItems", "maxItems")}
        if self.type in lengths:
            low, high = lengths[self.type]
            bounds: dict[str, int | float | None] = {
                low: None if self.min is None else int(self.min),
                high: None if self.max is None else int(self.max),
            }
        else:
            bounds = {"minimum": _number(self.min), "maximum": _number(self.max)}
        out.update({key: bound for key, bound in bounds.items() if bound is not None})
        return out


def _number(value: float | None) -> int | float | None:
    return int(value) if value is not None and value.is_integer() else value


class HttpToolDef(_Strict):
    """A tool that is one HTTP call, written as data (the guide's tool tables)."""

    id: str = Field(pattern=TOOL_ID)
    description: str = Field(min_length=1)
    method: Method
    url: str = Field(min_length=1)
    headers: dict[str, str] = Field(default_factory=dict)
    params: list[Param] = Field(default_factory=list)
    effect: Effect | None = Field(None, description="defaults to read for GET, write otherwise")
    access: Access = "account"
    fields: list[str] | None = Field(None, description="keep only these fields of each record returned")
    summary: str | None = Field(None, description="what a write does, in words, with {{param}} placeholders")
    max_items: int = Field(10, ge=1, le=100)

    _upper_method = field_validator("method", mode="before")(
        lambda value: value.strip().upper() if isinstance(value, str) else value
    )

    @property
    def tool_effect(self) -> Effect:
        if self.effect is not None:
            return self.effect
        return "read" if self.method == "GET" else "write"


class BuiltinToolDef(_Strict):
    """A tool written in Python, named here to put it in the capability."""

    builtin: str = Field(min_length=1)


def _tool_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "builtin" if "builtin" in value else "http"
    return "builtin" if isinstance(value, BuiltinToolDef) else "http"


ToolDef = Annotated[
    Annotated[HttpToolDef, Tag("http")] | Annotated[BuiltinToolDef, Tag("builtin")],
    Discriminator(_tool_kind),
]


class Capability(_Strict):
    """A named group of tools with the instructions that tell the model when and how to use them."""

    name: str = Field(min_length=1)
    description: str = ""
    instructions: str = ""
    tools: list[ToolDef] = Field(min_length=1)
