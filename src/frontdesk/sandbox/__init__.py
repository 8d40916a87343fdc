"""A local ServiceTitan-compatible API: the embedded default behind the demo and every integration test."""

from frontdesk.sandbox.app import Sandbox, create_app
from frontdesk.sandbox.config import SandboxConfig

__all__ = ["Sandbox", "SandboxConfig", "create_app"]
