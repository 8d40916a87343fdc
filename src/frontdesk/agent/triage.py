"""Emergency triage, for every model: the business's trigger phrases decide, not the model.

Life-safety (gas smell, CO alarm, sparks or burning smell) → safety instructions first, escalation to
the on-call contact, and no routine booking. Urgent (no heat in freezing weather, no cooling in
extreme heat, active leak or flooding) → Urgent priority, the earliest window or on-call, escalation.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from frontdesk.profile import BusinessProfile, EmergencyTrigger

_NEGATION = re.compile(r"\b(no|not|don'?t|doesn'?t|didn'?t|never|without|isn'?t)\b(?:\W+\w+){0,2}\W*$")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


@dataclass(frozen=True)
class Triage:
    trigger: EmergencyTrigger
    phrase: str

    @property
    def life_safety(self) -> bool:
        return self.trigger.level == "life_safety"


@functools.lru_cache(maxsize=4096)
def _phrase(phrase: str) -> tuple[str, ...]:
    return tuple(_words(phrase))


def _starts(words: list[str]) -> dict[str, list[int]]:
    """Where each first letter starts a word of the message (a word only matches one of its own letter)."""
    out: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        out.setdefault(word[:1], []).append(i)
    return out


def _find(words: list[str], phrase: str, starts: dict[str, list[int]]) -> int | None:
    """Index where ``phrase`` starts in ``words`` (small typos forgiven in words of 5+ letters), else None;
    ``starts`` is ``_starts(words)``."""
    target = _phrase(phrase)
    n = len(target)
    if not n:
        return None
    for i in starts.get(target[0][:1], ()):
        if i + n <= len(words) and all(_alike(words[i + k], target[k]) for k in range(n)):
            return i
        if n == 2 and target[0].startswith("smell") and _alike(words[i], target[0]):
            # "smells like something is burning", "I smell a bit of gas": what is smelled may come a few
            # words on, with only such words between
            for k in range(i + 1, min(i + 2 + _SMELL_GAP, len(words))):
                if _alike(words[k], target[1]):
                    return i
                if words[k] not in _BETWEEN:
                    break
    return None


_SMELL_GAP = 3
_BETWEEN = frozenset(
    {"like", "something", "some", "a", "bit", "of", "little", "faint", "natural", "strong", "slight", "kind",
     "sort", "might", "be", "is", "maybe", "possibly", "the", "an", "what", "smells", "really", "very"}
)  # fmt: skip


@functools.lru_cache(maxsize=65536)
def _alike(word: str, target: str) -> bool:
    """``word`` is ``target`` or a small typo of it; cached, since every message is checked against every
    phrase and the same words recur."""
    if word == target:
        return True
    if len(target) < 3 or word[:1] != target[:1]:
        return False  # typos rarely hit the first letter; "Park" must not read as "sparks"
    if abs(len(word) - len(target)) > 1:
        return False  # a typo drops, adds or swaps a letter; "Spring St" must not read as "sparking"
    matcher = difflib.SequenceMatcher(None, word, target)
    threshold = 0.8 if len(target) >= 5 else 0.85
    # the quick ratios are upper bounds of ratio(): most words are rejected without the full comparison
    return (
        matcher.real_quick_ratio() >= threshold
        and matcher.quick_ratio() >= threshold
        and (matcher.ratio() >= threshold)
    )


def detect(text: str, profile: BusinessProfile) -> Triage | None:
    """The most serious emergency the message describes, if any (life-safety before urgent)."""
    words = _words(text)
    starts = _starts(words)
    found: list[Triage] = []
    for trigger in profile.emergencies:
        for phrase in trigger.phrases:
            at = _find(words, phrase, starts)
            if at is None:
                continue
            before = " ".join(words[max(0, at - 3) : at])
            if _NEGATION.search(before + " "):
                continue  # "I don't smell gas"
            found.append(Triage(trigger, phrase))
            break
    if not found:
        return None
    found.sort(key=lambda t: 0 if t.life_safety else 1)
    return found[0]
