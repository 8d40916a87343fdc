"""Customers, their locations and contacts: names, addresses, unique phone numbers and e-mails."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from frontdesk.sandbox import records
from frontdesk.sandbox.seed import names
from frontdesk.sandbox.seed.dice import Dice

Doc = dict[str, Any]
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(slots=True)
class Place:
    """A location of a customer, as jobs and invoices refer to it."""

    id: int
    ref: Doc  # {"id", "name"}
    address: Doc


@dataclass(slots=True)
class Person:
    """A customer being generated: what its jobs, invoices and membership need."""

    id: int
    name: str
    commercial: bool
    address: Doc
    created: int  # UTC seconds
    doc: Doc
    places: list[Place] = field(default_factory=list)
    unpaid_cents: int = 0
    membership: tuple[int, int, int] | None = None  # (id, from, to) in UTC seconds

    @property
    def ref(self) -> Doc:
        return {"id": self.id, "name": self.name}


class Phones:
    """Distinct (217) numbers in a shuffled order: an affine permutation of the exchanges' lines."""

    def __init__(self, dice: Dice) -> None:
        self.size = len(names.PHONE_EXCHANGES) * 10_000
        step = dice.between(self.size // 3, self.size - 1)
        while math.gcd(step, self.size) != 1:
            step += 1
        self.step, self.offset, self.count = step, dice.below(self.size), 0

    def take(self) -> str:
        if self.count >= self.size:
            raise ValueError(f"the demo data has at most {self.size} distinct phone numbers")
        value = (self.count * self.step + self.offset) % self.size
        self.count += 1
        exchange, line = divmod(value, 10_000)
        return f"{names.PHONE_AREA}{names.PHONE_EXCHANGES[exchange]}{line:04d}"


class Emails:
    """E-mail addresses, numbered when a name repeats so no two customers share one."""

    def __init__(self, reserved: tuple[str, ...] = ()) -> None:
        self.seen: dict[str, int] = {}
        for address in reserved:
            local, _, domain = address.partition("@")
            self.seen[f"{local}@{domain}"] = 1

    def take(self, local: str, domain: str) -> str:
        local = _NOT_ALNUM.sub(".", local.lower()).strip(".")
        key = f"{local}@{domain}"
        count = self.seen.get(key, 0)
        self.seen[key] = count + 1
        return key if count == 0 else f"{local}{count + 1}@{domain}"


class Addresses:
    """Street addresses around Springfield, Illinois."""

    def __init__(self, dice: Dice) -> None:
        self.dice = dice
        self.towns = [(city, zips) for city, _, zips in names.TOWNS]
        self.cum = list(accumulate(weight for _, weight, _ in names.TOWNS))

    def make(self, unit: str | None = None) -> Doc:
        dice = self.dice
        city, zips = dice.weighted(self.towns, self.cum)
        street = f"{dice.between(100, 9899)} {dice.pick(names.STREETS)}"
        return records.address(street, city, "IL", dice.pick(zips), unit=unit)


class Names:
    """Customer names; never the seed guide's people."""

    def __init__(self, dice: Dice) -> None:
        self.dice = dice

    def person(self) -> tuple[str, str]:
        pick = self.dice.pick
        while True:
            first, last = pick(names.FIRST_NAMES), pick(names.LAST_NAMES)
            if f"{first} {last}" not in names.RESERVED_NAMES:
                return first, last

    def business(self) -> str:
        dice = self.dice
        if dice.chance(0.25):
            return f"{dice.pick(names.LAST_NAMES)} & Sons {dice.pick(names.BUSINESS_KINDS)}"
        return f"{dice.pick(names.BUSINESS_PREFIXES)} {dice.pick(names.BUSINESS_KINDS)}"
