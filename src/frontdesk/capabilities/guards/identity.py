"""Identity gate: a customer's account opens only to someone who proved they hold it.

Policy (from the business profile's ``verification``): a first factor — the phone number the customer
typed, or the caller ID the channel vouches for — must match a contact on file, and a second factor —
the account's name or a service ZIP — must match too. A factor counts only when it appears in the
customer's own messages (or comes from the channel), so a model cannot verify someone by inventing or
repeating details the customer never gave.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from frontdesk.capabilities.state import GuardState
from frontdesk.profile import Verification

_NON_DIGIT = re.compile(r"\D+")


def phone_digits(value: str) -> str:
    digits = _NON_DIGIT.sub("", value)
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", _fold(text))


def said_phone(state: GuardState, phone: str) -> bool:
    """The customer typed this number (in any format) in one of their messages."""
    wanted = phone_digits(phone)
    if len(wanted) < 10:
        return False
    return any(
        wanted in phone_digits(message) or wanted in _NON_DIGIT.sub("", message)
        for message in state.customer_messages
    )


def said_words(state: GuardState, text: str) -> bool:
    """Every word of ``text`` appears in the customer's messages (case and accents ignored)."""
    wanted = _words(text)
    if not wanted:
        return False
    said = {w for message in state.customer_messages for w in _words(message)}
    return all(w in said for w in wanted)


def said_zip(state: GuardState, zip_code: str) -> bool:
    wanted = zip_code.strip()[:5]
    return bool(re.fullmatch(r"\d{5}", wanted)) and any(
        re.search(rf"(?<!\d){wanted}(?!\d)", message) for message in state.customer_messages
    )


def names_match(claimed: str, on_file: str) -> bool:
    """The claimed name is the account's name: same last name, and the same first name when given."""
    a, b = _words(claimed), _words(on_file)
    if not a or not b:
        return False
    if len(a) == 1:
        return a[0] == b[-1] or (len(b) == 1 and a[0] == b[0])
    return (a[-1] == b[-1] and a[0] == b[0]) or " ".join(a) == " ".join(b)


@dataclass
class Evidence:
    """What the caller offered, as the tool received it (all optional)."""

    phone: str | None = None
    name: str | None = None
    zip_code: str | None = None
    email: str | None = None


@dataclass
class AccountOnFile:
    customer_id: int
    name: str
    phones: Sequence[str]
    emails: Sequence[str] = ()
    zips: Sequence[str] = ()


@dataclass
class Verdict:
    verified: bool
    factors: list[str] = field(default_factory=list)
    missing: str | None = None  # what to ask for next, in words for the model


def check(state: GuardState, policy: Verification, evidence: Evidence, account: AccountOnFile) -> Verdict:
    """Does the evidence, as the customer gave it, prove they hold ``account``?"""
    first: list[str] = []
    on_file_phones = {phone_digits(p) for p in account.phones}
    if (
        "caller_id" in policy.first_factor
        and state.caller_id
        and phone_digits(state.caller_id) in on_file_phones
    ):
        first.append("caller_id")
    if (
        "phone" in policy.first_factor
        and evidence.phone
        and phone_digits(evidence.phone) in on_file_phones
        and said_phone(state, evidence.phone)
    ):
        first.append("phone")
    if (
        "email" in policy.first_factor
        and evidence.email
        and evidence.email.strip().lower() in {e.strip().lower() for e in account.emails}
        and said_words(state, evidence.email.replace("@", " ").replace(".", " "))
    ):
        first.append("email")
    second: list[str] = []
    if (
        "name" in policy.second_factor
        and evidence.name
        and names_match(evidence.name, account.name)
        and said_words(state, evidence.name)
    ):
        second.append("name")
    if (
        "zip" in policy.second_factor
        and evidence.zip_code
        and evidence.zip_code[:5] in {z[:5] for z in account.zips}
        and said_zip(state, evidence.zip_code)
    ):
        second.append("zip")
    if not first:
        return Verdict(False, second, "the phone number on the account, as the customer types it")
    if not second:
        return Verdict(False, first, "the account holder's full name or the service address ZIP code")
    return Verdict(True, first + second)


def grant(state: GuardState, customer_id: int, factors: Iterable[str]) -> None:
    """Open the account to this conversation (only ``check`` or a customer created here may call it)."""
    state.verified_customer_id = customer_id
    state.verified_by = sorted(set(factors))
    if customer_id in state.matched_customer_ids:
        state.matched_customer_ids.remove(customer_id)
