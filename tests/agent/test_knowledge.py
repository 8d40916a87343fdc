"""The knowledge base answers what ServiceTitan doesn't hold, and says where the answer came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.agent.knowledge import Knowledge
from frontdesk.profile import demo_profile_path, load_profile


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.from_folder(load_profile(demo_profile_path()).knowledge_dir)


@pytest.mark.parametrize(
    ("question", "source", "words"),
    [
        ("Do you serve Chatham?", "service-area.md", "Chatham"),
        ("What are your hours on Saturday?", "hours.md", "9:00 AM"),
        ("What are your hours?", "hours.md", "8:00 AM to 6:00 PM"),
        ("do you work weekends?", "hours.md", "Saturday from"),
        ("How much is an after-hours emergency visit?", "emergencies.md", "$189"),
        ("Is there a warranty on repairs?", "warranty.md", "one-year"),
        ("Can I pay with a credit card or finance it?", "payment.md", "financing"),
        ("how much does a tune up cost", "payment.md", "$149"),
    ],
)
def test_questions_find_the_right_document(
    knowledge: Knowledge, question: str, source: str, words: str
) -> None:
    found = knowledge.search(question)
    assert found, question
    assert found[0].source == source
    # the answer is in what the tool hands the model (the top passages)
    assert any(words.lower() in p.text.lower() for p in found)


def test_unrelated_questions_find_nothing(knowledge: Knowledge) -> None:
    assert knowledge.search("what is the capital of France") == []
    assert knowledge.search("") == []


def test_an_empty_or_missing_folder_is_not_an_error(tmp_path: Path) -> None:
    assert Knowledge.from_folder(tmp_path).search("hours") == []
    assert Knowledge.from_folder(tmp_path / "missing").search("hours") == []


def test_relevant_text_names_its_sources(knowledge: Knowledge) -> None:
    text = knowledge.relevant("do you charge extra for emergencies after hours")
    assert "[Emergency service and after-hours fees" in text and "$189" in text
