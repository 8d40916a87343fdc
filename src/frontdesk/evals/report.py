"""Results of a run: pass^k per task set, and a readable report of the failures with their transcripts."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict
from math import comb
from pathlib import Path
from statistics import median
from typing import Any

from frontdesk.evals.runner import Trial


def pass_hat_k(results: Sequence[Trial], k: int) -> float:
    """pass^k: the chance that k trials drawn from a task's n all pass, averaged over tasks.

    Per task it is C(c, k) / C(n, k) for c passes in n trials (the unbiased estimator of tau-bench).
    """
    by_task: dict[str, list[bool]] = defaultdict(list)
    for result in results:
        by_task[result.task].append(result.passed)
    scores = [comb(sum(runs), k) / comb(len(runs), k) for runs in by_task.values() if len(runs) >= k]
    return sum(scores) / len(scores) if scores else 0.0


def summary(results: Sequence[Trial], trials: int) -> dict[str, Any]:
    calls = [sum(v for k, v in r.calls.items() if k not in ("requests", "token_endpoint")) for r in results]
    turns = [e.seconds for r in results for e in r.transcript]
    return {
        "tasks": len({r.task for r in results}),
        "trials": len(results),
        "passed": sum(r.passed for r in results),
        "pass_rate": sum(r.passed for r in results) / len(results) if results else 0.0,
        "pass_hat_k": {str(k): round(pass_hat_k(results, k), 4) for k in range(1, trials + 1)},
        "servicetitan_calls": {"total": sum(calls), "median_per_trial": median(calls) if calls else 0},
        "turn_seconds": {
            "median": round(median(turns), 3) if turns else 0.0,
            "max": round(max(turns), 3) if turns else 0.0,
        },
        "grounding_violations": sum(
            max(e.grounding_violations, int("grounding_violation" in e.tags))
            for r in results
            for e in r.transcript
        ),
    }


def to_json(
    results: Sequence[Trial], trials: int, command: str, capabilities: dict[str, str]
) -> dict[str, Any]:
    data = summary(results, trials)
    groups: dict[str, list[bool]] = defaultdict(list)
    for result in results:
        groups[capabilities.get(result.task, "?")].append(result.passed)
    data["by_capability"] = {k: round(sum(v) / len(v), 4) for k, v in sorted(groups.items())}
    data["command"] = command
    data["model"] = results[0].model if results else ""
    data["results"] = [asdict(r) for r in results]
    return data


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=False, default=str) + "\n", encoding="utf-8")


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines()) or ">"


def markdown(data: dict[str, Any]) -> str:
    """The report a person reads: the command, the figures, then each failure with what went wrong."""
    lines = [
        "# Evaluation report",
        "",
        "```",
        data["command"],
        "```",
        "",
        f"Model: {data['model']} · tasks: {data['tasks']} · trials: {data['trials']} · "
        f"passed: {data['passed']} ({data['pass_rate']:.1%})",
        "",
        "| k | pass^k |",
        "|---|---|",
        *[f"| {k} | {v:.1%} |" for k, v in data["pass_hat_k"].items()],
        "",
        f"ServiceTitan calls: {data['servicetitan_calls']['total']} in all, median "
        f"{data['servicetitan_calls']['median_per_trial']} per trial · turn latency: median "
        f"{data['turn_seconds']['median']} s, max {data['turn_seconds']['max']} s · grounding violations: "
        f"{data['grounding_violations']}",
        "",
        "| capability | pass rate |",
        "|---|---|",
        *[f"| {k} | {v:.0%} |" for k, v in data["by_capability"].items()],
        "",
    ]
    failures = [r for r in data["results"] if not r["passed"]]
    failed_trials: dict[str, list[int]] = defaultdict(list)
    for result in failures:
        failed_trials[result["task"]].append(result["trial"])
    lines += [f"## Failures ({len(failures)} trials of {len(failed_trials)} tasks)", ""]
    if not failures:
        lines.append("None.")
    shown: set[str] = set()
    for result in failures:
        if result["task"] in shown:  # the first failing trial stands for the others; the list says which
            continue
        shown.add(result["task"])
        trials = ", ".join(str(t) for t in failed_trials[result["task"]])
        lines += [f"### {result['task']} (failed trials: {trials}; shown: {result['trial']})", ""]
        lines += [f"- {p}" for p in result["verdict"]["problems"]]
        lines += ["", "State diff:", ""]
        diff = result["verdict"]["diff"]
        lines += [f"- {row['kind']} {row['table']} {row['id']}: {row['view']}" for row in diff] or [
            "- no change"
        ]
        calls = {k: v for k, v in result["calls"].items() if k not in ("requests",)}
        lines += ["", f"ServiceTitan calls: {calls}", "", "Transcript:", ""]
        for exchange in result["transcript"]:
            lines += [f"**Customer:** {exchange['customer']}", "", _quote(exchange["reply"]), ""]
    return "\n".join(lines) + "\n"
