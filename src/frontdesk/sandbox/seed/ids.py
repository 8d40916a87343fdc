"""Ids for bulk generation: counted locally, reserved in the store's counters when a batch is written.

Asking the store for every id would cost a query each, and the generator may run in another process
that cannot reach the store at all. So generation counts ids from the counters' current values
(``Counter``) and the writer reserves exactly the ids each batch used (``Reservations.commit``, inside
the batch's transaction): the counters and the data always agree, and a later API create continues
after the generated ids.
"""

from __future__ import annotations

from frontdesk.sandbox.store import Store
from frontdesk.sandbox.tables import ID_START


class Counter:
    __slots__ = ("next",)

    def __init__(self, start: int) -> None:
        self.next = start

    def take(self) -> int:
        ident = self.next
        self.next = ident + 1
        return ident


class Reservations:
    """The store side: where each counter stands, and reserving what generation used."""

    def __init__(self, store: Store, kinds: tuple[str, ...]) -> None:
        self.store = store
        # a count of zero reserves nothing and answers the first free id (creating the counter)
        self.committed = {kind: store.next_ids(kind, 0, ID_START[kind]).start for kind in kinds}

    def counters(self) -> dict[str, Counter]:
        return {kind: Counter(start) for kind, start in self.committed.items()}

    def commit(self, next_ids: dict[str, int]) -> None:
        for kind, upto in next_ids.items():
            used = upto - self.committed[kind]
            if used:
                reserved = self.store.next_ids(kind, used, ID_START[kind])
                if reserved.start != self.committed[kind]:
                    raise RuntimeError(f"the {kind} counter moved during generation")
                self.committed[kind] = upto
