"""Which tools a connection cannot run: a tool whose ServiceTitan scope is missing is turned off.

The reason is the one ``frontdesk doctor`` gives for the scope, so the operator reads the same fix in
the doctor's report, in the tool's refusal and in what the model is told.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from frontdesk.capabilities.tool import Tool
from frontdesk.servicetitan.doctor import Report
from frontdesk.servicetitan.scopes import grant_advice


def fixes_from_report(report: Report) -> dict[str, str]:
    """Each scope the doctor's probes found missing, with the doctor's fix for it."""
    return {
        check.scope: check.fix or grant_advice(check.scope)
        for check in report.checks
        if check.scope and check.granted is False
    }


def disabled_tools(
    tools: Iterable[Tool], missing: Report | Mapping[str, str] | Iterable[str]
) -> dict[str, str]:
    """``{tool_id: reason}`` for every tool that needs a scope in ``missing`` (the ToolRunner's ``disabled``).

    ``missing`` is the doctor's report, a mapping of scope to fix, or just the missing scopes.
    """
    if isinstance(missing, Report):
        fixes = fixes_from_report(missing)
    elif isinstance(missing, Mapping):
        fixes = dict(missing)
    else:
        fixes = {scope: grant_advice(scope) for scope in missing}
    out: dict[str, str] = {}
    for tool in tools:
        lacking = [scope for scope in dict.fromkeys(tool.scopes) if scope in fixes]
        if not lacking:
            continue
        named = ", ".join(lacking)
        plural = "s" if len(lacking) > 1 else ""
        fix = fixes[lacking[0]] if len(lacking) == 1 else grant_advice(named)
        out[tool.id] = f"the connection lacks the ServiceTitan scope{plural} {named}. {fix}"
    return out
