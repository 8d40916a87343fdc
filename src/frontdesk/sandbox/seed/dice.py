"""Fast draws from one ``random.Random``: the generator makes tens of millions of them.

``randrange``/``choice``/``choices``/``sample`` are pure Python with argument checks; drawing from
``random()`` directly is several times cheaper and just as deterministic.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class Dice:
    __slots__ = ("random", "rng")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.random = rng.random

    def below(self, n: int) -> int:
        """0 ≤ x < n."""
        return int(self.random() * n)

    def between(self, low: int, high: int) -> int:
        """low ≤ x ≤ high."""
        return low + int(self.random() * (high - low + 1))

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.random() * len(items))]

    def chance(self, p: float) -> bool:
        return self.random() < p

    def weighted(self, items: Sequence[T], cum_weights: Sequence[float]) -> T:
        return items[bisect_right(cum_weights, self.random() * cum_weights[-1])]

    def some(self, items: Sequence[T], k: int) -> list[T]:
        """k distinct items, in random order."""
        pool = list(items)
        out = []
        for _ in range(min(k, len(pool))):
            out.append(pool.pop(int(self.random() * len(pool))))
        return out
