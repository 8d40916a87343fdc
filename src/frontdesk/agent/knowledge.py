"""The business's own knowledge (service area, hours, policies, prices): markdown documents, searched
offline with BM25 (bm25s). Every passage keeps the document and section it came from, so answers can
name their source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from frontdesk.capabilities.tool import Fact, Tool, ToolContext, ToolResult

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
# Question words carry no topic: "what are your hours" must match on "hours" alone.
_STOPWORDS = sorted(
    {*STOPWORDS_EN, "what", "how", "much", "many", "when", "where", "which", "who", "why", "can", "could",
     "would", "do", "does", "did", "you", "your", "i", "me", "my", "we", "us", "our", "please", "tell", "know",
     "usually", "typically", "normally", "generally"}
)  # fmt: skip


# Customers ask in their words, documents answer in the business's: a question's everyday word also
# searches for the words a company's page would use ("weekends" -> Saturday, Sunday; "hours" -> open).
_ALSO = [
    (re.compile(r"\b(hours?|open|opening|close|closing|closed)\b", re.I), "hours open office"),
    (re.compile(r"\bweekends?\b", re.I), "saturday sunday"),
    (re.compile(r"\b(cost|costs|price|prices|pricing|charge|how much)\b", re.I), "price cost fee"),
    (re.compile(r"\b(pay|paying)\b", re.I), "payment paid invoices accept"),
    (re.compile(r"\b(join|sign(ing)? up|enroll|become a member|membership|plan)\b", re.I), "membership club"),
    (
        re.compile(
            r"\b(show up|get here|arriv\w*|on (the|their|his|her) way|what time (will|does|do|is))\b|"
            r"\b(text|call|notify) (me|us)\b",
            re.I,
        ),
        "arrival windows technician calls before arriving",
    ),
    (
        re.compile(r"\b(commercial|business(es)?|office buildings?|restaurants?)\b", re.I),
        "homes businesses commercial",
    ),
    (re.compile(r"\b(licen[cs]ed?|insured|insurance|bonded)\b", re.I), "licensed insured"),
    (
        re.compile(r"\b(charged|billed|pay|free|covered)\b.*\b(again|back|return|visit|repair|fix)\b", re.I),
        "warranty repairs parts labor",
    ),
    (
        re.compile(
            r"\b(charge extra|extra (charge|fee)|trip (charge|fee)|travel (charge|fee)|mileage)\b", re.I
        ),
        "travel charges trip charge service area",
    ),
    (
        re.compile(
            r"\b(visit|come out)\b.*\b(cost|costs|price|charge|fee)\b|\b(cost|costs|price|charge|fee|how much)\b.*"
            r"\b(visit|come out)\b",
            re.I,
        ),
        "service call diagnostic",
    ),
]


def widened(question: str) -> str:
    extra = [words for pattern, words in _ALSO if pattern.search(question)]
    return " ".join([question, *extra])


@dataclass(frozen=True)
class Passage:
    source: str  # file name, e.g. "payment.md"
    title: str  # the document's title
    section: str  # the heading the passage sits under
    text: str
    score: float = 0.0

    @property
    def cite(self) -> str:
        return f"{self.title} › {self.section}" if self.section and self.section != self.title else self.title


def _passages(path: Path) -> list[Passage]:
    title = path.stem.replace("-", " ").capitalize()
    section = title
    lines: list[str] = []
    found: list[Passage] = []

    def flush() -> None:
        body = " ".join(line.strip() for line in lines if line.strip())
        if body:
            found.append(Passage(path.name, title, section, body))
        lines.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADING.match(line)
        if match:
            flush()
            if len(match.group(1)) == 1:
                title = match.group(2).strip()
            section = match.group(2).strip()
        else:
            lines.append(line)
    flush()
    return found


class Knowledge:
    """A searchable set of passages from a folder of markdown documents."""

    def __init__(self, passages: list[Passage]) -> None:
        self.passages = passages
        self._index = bm25s.BM25()
        self._stemmer = Stemmer.Stemmer("english")  # "financing" finds "finance", "fees" finds "fee"
        if passages:
            # a section is found by its document's title too ("Office hours" over "Holidays")
            corpus = [f"{p.title} {p.section} {p.text}" for p in passages]
            self._index.index(self._tokens(corpus), show_progress=False)

    def _tokens(self, texts: list[str]) -> Any:
        return bm25s.tokenize(texts, stopwords=_STOPWORDS, stemmer=self._stemmer, show_progress=False)

    @classmethod
    def from_folder(cls, folder: Path | None) -> Knowledge:
        if folder is None or not folder.is_dir():
            return cls([])
        return cls([p for path in sorted(folder.glob("*.md")) for p in _passages(path)])

    def search(self, query: str, k: int = 3, min_score: float = 1.0) -> list[Passage]:
        if not self.passages or not query.strip():
            return []
        tokens = self._tokens([widened(query)])
        if not tokens.vocab:
            return []
        k = min(k, len(self.passages))
        results, scores = self._index.retrieve(tokens, k=k, show_progress=False)
        found = []
        for index, score in zip(results[0], scores[0], strict=True):
            if float(score) >= min_score:
                p = self.passages[int(index)]
                found.append(Passage(p.source, p.title, p.section, p.text, float(score)))
        return found

    def relevant(self, message: str, k: int = 2) -> str:
        """Passages for a model's instructions, each with its source."""
        return "\n".join(f"[{p.cite}] {p.text}" for p in self.search(message, k))


class SearchKnowledge(Tool):
    """The knowledge base as a tool for LLMs: public information only."""

    id = "searchKnowledge"
    description = (
        "Search the company's own documents (service area, hours, emergency policy and fees, warranty, "
        "payment options, prices). Use it for questions ServiceTitan doesn't answer; quote the source."
    )
    effect = "read"
    access = "public"

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"question": {"type": "string", "description": "the customer's question"}},
            "required": ["question"],
            "additionalProperties": False,
        }

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        found = self.knowledge.search(str(args["question"]))
        if not found:
            return ToolResult(
                status="not_found", message="The documents don't cover that; offer to have someone call."
            )
        facts = [
            Fact(kind="amount", value=m) for p in found for m in re.findall(r"\$\d[\d,]*(?:\.\d{2})?", p.text)
        ]
        facts += [
            Fact(kind="time", value=m) for p in found for m in re.findall(r"\d{1,2}:\d{2} [AP]M", p.text)
        ]
        return ToolResult(
            data={"passages": [{"source": p.cite, "text": p.text} for p in found]},
            message="Answer from these passages only and name the source.",
            facts=facts,
        )
