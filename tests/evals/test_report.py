"""pass^k and the report a person reads, and the ``frontdesk eval`` command that writes them."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from frontdesk.cli import app
from frontdesk.evals.judge import Verdict
from frontdesk.evals.report import pass_hat_k
from frontdesk.evals.runner import Trial


def _trial(task: str, trial: int, passed: bool) -> Trial:
    return Trial(task, trial, passed, Verdict(passed, [], []), [], {}, 0.0, "a", "b", "guided")


def test_pass_hat_k_rewards_only_tasks_that_pass_every_try() -> None:
    results = [_trial("steady", k, True) for k in (1, 2, 3, 4)] + [
        _trial("flaky", k, passed) for k, passed in ((1, True), (2, False), (3, True), (4, True))
    ]
    assert pass_hat_k(results, 1) == (1 + 3 / 4) / 2
    assert pass_hat_k(results, 4) == (1 + 0) / 2
    assert pass_hat_k(results, 2) == (1 + 3 / 6) / 2  # C(3,2) / C(4,2) for the flaky task


def test_the_eval_command_writes_results_and_a_report(tmp_path: Path) -> None:
    answer = CliRunner().invoke(
        app,
        ["eval", "--tasks", "knowledge-financing", "--tasks", "identity-neighbor-balance", "--trials", "2",
         "--workers", "1", "--out", str(tmp_path), "--name", "run"],
    )  # fmt: skip
    assert answer.exit_code == 0, answer.output
    assert "Pass rate: 100.0% (4/4)" in answer.output
    data = json.loads((tmp_path / "run.json").read_text())
    assert data["pass_hat_k"] == {"1": 1.0, "2": 1.0}
    assert {r["state_before"] for r in data["results"]} == {r["state_after"] for r in data["results"]}
    report = (tmp_path / "run.md").read_text()
    assert (
        report.startswith("# Evaluation report")
        and "frontdesk eval --trials 2 --out" in report
        and "None." in report
    )


def test_unknown_fault_profiles_and_patterns_are_refused(tmp_path: Path) -> None:
    answer = CliRunner().invoke(app, ["eval", "--faults", "meteor", "--out", str(tmp_path)])
    assert answer.exit_code == 2 and "rate-limits" in answer.output
    answer = CliRunner().invoke(app, ["eval", "--tasks", "no-such-task", "--out", str(tmp_path)])
    assert answer.exit_code == 2 and "No task matches" in answer.output
