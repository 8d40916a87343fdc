"""Accounts found by a phone number in the last few minutes, shared by every conversation of the process.

Verification often takes two lookups of one number (the caller ID alone, then with the name the customer
gives), and a customer who texted tends to call a few minutes later. ServiceTitan's answer for a number (its
active customers and their service locations) is kept for a short time (default 5 minutes), so those
lookups cost no request. What is kept only spares reading: verification still compares what the customer
wrote with the account, and the booking guards (capacity, open jobs) still ask ServiceTitan afresh.

Kept: accounts that matched, never "no account" (the office may create one any minute, and a new caller
must get the new-account path against fresh data). Not trusted from here: the balance, which a payment
changes at once (searchCustomers leaves it out of an answer served from here; the billing tools read it).
Creating an account for a number forgets what was kept for it. At most ``max_numbers`` numbers are kept,
the least recently used going first.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from frontdesk.clock import Clock
from frontdesk.servicetitan.models import Customer, Location

DEFAULT_TTL = timedelta(minutes=5)


@dataclass(frozen=True)
class KeptAccount:
    customer: Customer
    locations: tuple[Location, ...]


@dataclass(frozen=True)
class _Kept:
    accounts: tuple[KeptAccount, ...]
    read_at: datetime


class AccountCache:
    def __init__(self, clock: Clock, ttl: timedelta = DEFAULT_TTL, max_numbers: int = 4096) -> None:
        if max_numbers < 1:
            raise ValueError("max_numbers must be at least 1")
        self._clock = clock
        self._ttl = ttl
        self._max = max_numbers
        self._numbers: OrderedDict[str, _Kept] = OrderedDict()

    def get(self, phone_digits: str) -> tuple[KeptAccount, ...] | None:
        """The accounts ServiceTitan matched to this number, if read less than the TTL ago."""
        kept = self._numbers.get(phone_digits)
        if kept is None:
            return None
        age = self._clock.now() - kept.read_at
        if age >= self._ttl or age < timedelta(0):
            del self._numbers[phone_digits]
            return None
        self._numbers.move_to_end(phone_digits)
        return kept.accounts

    def keep(self, phone_digits: str, accounts: list[KeptAccount]) -> None:
        if not accounts:
            return  # "no account" is never kept
        self._numbers[phone_digits] = _Kept(tuple(accounts), self._clock.now())
        self._numbers.move_to_end(phone_digits)
        while len(self._numbers) > self._max:
            self._numbers.popitem(last=False)

    def forget(self, phone_digits: str) -> None:
        self._numbers.pop(phone_digits, None)

    def __len__(self) -> int:
        return len(self._numbers)
