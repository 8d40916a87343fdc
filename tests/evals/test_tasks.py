"""Loading task files: every shipped task loads, and a broken file says where and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.evals.runner import tasks_folder
from frontdesk.evals.tasks import TaskError, load_file, load_tasks


def test_the_shipped_suite_covers_every_capability_with_at_least_60_tasks() -> None:
    tasks = load_tasks(tasks_folder())
    assert len(tasks) >= 60
    capabilities = {t.capability for t in tasks}
    assert {
        "lookup", "booking", "status", "arrival", "billing", "reschedule", "cancel", "knowledge",
        "emergency-life-safety", "emergency-urgent", "handoff", "identity", "faults",
    } <= capabilities  # fmt: skip
    assert {t.faults for t in tasks} >= {"rate-limits", "server-errors", "timeouts", "flaky-writes"}


def test_patterns_select_by_glob_or_substring() -> None:
    assert {t.id for t in load_tasks(tasks_folder(), ["knowledge-*"])} == {
        t.id for t in load_tasks(tasks_folder()) if t.id.startswith("knowledge-")
    }
    assert [t.id for t in load_tasks(tasks_folder(), ["robert-maintenance"])] == [
        "book-existing-robert-maintenance"
    ]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unknown_field_names_the_task_and_the_field(tmp_path: Path) -> None:
    path = _write(tmp_path, "id: t1\ncapability: x\ngoal: g\nscript: {opening: hi}\nexpekt: []\n")
    with pytest.raises(TaskError, match=r"broken.yaml: task t1: expekt: Extra inputs"):
        load_file(path)


def test_a_bad_regex_and_a_fact_without_content_are_refused(tmp_path: Path) -> None:
    bad_regex = "id: t2\ncapability: x\ngoal: g\nscript: {opening: hi, turns: [{when: '(', say: x}]}\n"
    with pytest.raises(TaskError, match=r"script.turns.0.when"):
        load_file(_write(tmp_path, bad_regex))
    empty_fact = "id: t3\ncapability: x\ngoal: g\nscript: {opening: hi}\nfacts: [{}]\n"
    with pytest.raises(TaskError, match="exactly one of text, pattern or value"):
        load_file(_write(tmp_path, empty_fact))


def test_invalid_yaml_and_duplicate_ids_are_reported(tmp_path: Path) -> None:
    with pytest.raises(TaskError, match="not valid YAML"):
        load_file(_write(tmp_path, "id: [unclosed\n"))
    task = "- {id: same, capability: x, goal: g, script: {opening: hi}}\n"
    (tmp_path / "broken.yaml").unlink()
    (tmp_path / "a.yaml").write_text("tasks:\n" + task, encoding="utf-8")
    (tmp_path / "b.yaml").write_text("tasks:\n" + task, encoding="utf-8")
    with pytest.raises(TaskError, match="same appears twice"):
        load_tasks(tmp_path)
