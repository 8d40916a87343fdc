"""The whole task suite with the offline guided model, as CI runs it: the pass rate must stay at 95 % or more."""

from __future__ import annotations

import os

import pytest

from frontdesk.agent.models import ModelChoice
from frontdesk.evals.report import pass_hat_k
from frontdesk.evals.runner import Settings, run_parallel, tasks_folder
from frontdesk.evals.tasks import load_tasks

THRESHOLD = 0.95


@pytest.mark.slow
def test_the_guided_model_passes_the_suite(capsys: pytest.CaptureFixture[str]) -> None:
    tasks = load_tasks(tasks_folder())
    settings = Settings(model=ModelChoice("guided", "guided"), workers=min(2, os.cpu_count() or 1))
    results = run_parallel(tasks, settings)
    assert len(results) == len(tasks) >= 60
    rate = pass_hat_k(results, 1)
    failed = sorted(r.task for r in results if not r.passed)
    with capsys.disabled():  # the figure CI shows on every run, passing or not
        print(
            f"\nevaluation suite, guided model: pass^1 = {rate:.1%} ({len(tasks) - len(failed)}/{len(tasks)})"
        )
        for name in failed:
            print(f"  failed: {name}")
    assert not any(r.verdict.diff and r.task.startswith("identity-") for r in results), "identity task wrote"
    assert rate >= THRESHOLD, f"pass rate {rate:.1%} < {THRESHOLD:.0%}; failed: {', '.join(failed)}"
