"""searchCustomers: find the caller's account and verify them, saying nothing about it until they are.

Before verification the answer says only whether an account matches and what to ask for next: no name,
address or id, so a caller cannot learn whose number they typed. The customer is verified in code
(guards.identity) from what they wrote themselves; several matches are never listed. A number looked up
minutes before, in this conversation or another, is answered from the account cache (capabilities.accounts)
without a request; verification is the same either way.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from frontdesk.capabilities.accounts import KeptAccount
from frontdesk.capabilities.guards import identity
from frontdesk.capabilities.pack import recall, words
from frontdesk.capabilities.tool import Fact, Tool, ToolContext, ToolResult
from frontdesk.servicetitan.models import Contact, Customer, Location

# More candidates than this cannot be told apart by the caller's details: ask for a narrower detail.
_MAX_CANDIDATES = 5
_PHONE_TYPES = frozenset({"phone", "mobilephone"})


@dataclass
class _Candidate:
    customer: Customer
    contacts: list[Contact] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    phones: set[str] = field(default_factory=set)
    kept: bool = False  # customer and locations come from the account cache, read minutes ago

    def on_file(self) -> identity.AccountOnFile:
        phones = self.phones | {
            identity.phone_digits(c.value or "")
            for c in self.contacts
            if (c.type or "").lower() in _PHONE_TYPES
        }
        emails = [c.value or "" for c in self.contacts if (c.type or "").lower() == "email"]
        zips = {loc.address.zip for loc in self.locations if loc.address and loc.address.zip}
        if self.customer.address and self.customer.address.zip:
            zips.add(self.customer.address.zip)
        return identity.AccountOnFile(
            customer_id=self.customer.id,
            name=self.customer.name or "",
            phones=sorted(p for p in phones if p),
            emails=emails,
            zips=sorted(zips),
        )


class SearchCustomers(Tool):
    id = "searchCustomers"
    description = (
        "Find the customer's account by phone number, name or e-mail, and verify them. Pass exactly what the "
        "customer wrote: phone, and their full name or service ZIP code. Until they are verified it only "
        "says whether an account matches and what to ask for next."
    )
    access = "lookup"
    scopes = ("tn.crm.customers:r", "tn.crm.locations:r")

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "phone": {"type": "string", "description": "phone number as the customer typed it"},
                "name": {
                    "type": "string",
                    "description": "the account holder's name as the customer gave it",
                },
                "email": {"type": "string", "description": "e-mail address as the customer typed it"},
                "zip": {"type": "string", "description": "ZIP code of the service address, as given"},
            },
            "additionalProperties": False,
        }

    def customer_id(self, args: dict[str, Any]) -> int | None:
        return None

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        policy = ctx.profile.verification
        phone = (args.get("phone") or "").strip()
        name = (args.get("name") or "").strip()
        email = (args.get("email") or "").strip().lower()
        zip_code = (args.get("zip") or "").strip()
        if not phone and not email and "caller_id" in policy.first_factor and ctx.state.caller_id:
            phone = ctx.state.caller_id  # the channel vouches for it; identity.check counts it as caller_id
        if phone and len(identity.phone_digits(phone)) != 10:
            return ToolResult.error(
                "That is not a full phone number: ask for the 10-digit number on the account."
            )
        if not (phone or email or name):
            return ToolResult.error("Give a phone number, a name or an e-mail address to look up.")

        found = await self._candidates(ctx, phone=phone, email=email, name=name)
        if not found:
            if phone and not email:
                recall.remember_no_account(ctx, identity.phone_digits(phone))
            return ToolResult(
                status="not_found",
                data={"match": "none"},
                message="No account matches. Ask the customer to check the details, or offer to set up a new "
                "account.",
            )
        if len(found) > _MAX_CANDIDATES:
            return self._several("the phone number on the account" if not phone else "their ZIP code")
        # a search by phone already matched the number to a contact: the contacts are read only when the
        # number must be compared (a search by name or e-mail) or an e-mail is to be checked
        with_contacts = not phone or bool(email)
        await asyncio.gather(*(self._load(ctx, candidate, with_contacts) for candidate in found))
        if phone and ctx.accounts is not None and not found[0].kept:
            await ctx.accounts.keep(
                identity.phone_digits(phone),
                [KeptAccount.of(c.customer, c.locations) for c in found],
            )
        for candidate in found:
            if phone:
                # ServiceTitan matched this number to the customer (it may sit on a location's contact)
                candidate.phones.add(identity.phone_digits(phone))

        evidence = identity.Evidence(
            phone=args.get("phone"), name=name or None, zip_code=zip_code or None, email=email or None
        )
        verdicts = [(c, identity.check(ctx.state, policy, evidence, c.on_file())) for c in found]
        proven = [(c, v) for c, v in verdicts if v.verified]
        already = [c for c in found if ctx.state.may_access(c.customer.id)]
        if not proven and already:  # looked up again after verifying: their own account, nothing new
            return self._summary(ctx, already[0])
        if len(proven) == 1:
            candidate, verdict = proven[0]
            identity.grant(ctx.state, candidate.customer.id, verdict.factors)
            return self._summary(ctx, candidate)
        for candidate in found:
            if candidate.customer.id not in ctx.state.matched_customer_ids:
                ctx.state.matched_customer_ids.append(candidate.customer.id)
        if len(found) > 1:
            return self._several("the service address ZIP code" if proven else verdicts[0][1].missing)
        verdict = verdicts[0][1]
        offered = bool(name or zip_code) and not any(f in verdict.factors for f in ("name", "zip"))
        message = "An account matches, but the customer is not verified yet, so share nothing from it. "
        if offered:
            message += (
                "The details given do not match the account on file (do not say which); ask them to check. "
            )
        message += f"Ask for {verdict.missing or 'the phone number on the account'}."
        return ToolResult(data={"match": "found", "verified": False}, message=message)

    @staticmethod
    def _several(ask_for: str | None) -> ToolResult:
        return ToolResult(
            data={"match": "several", "verified": False},
            message="More than one account matches; do not list or describe them. "
            f"Ask for {ask_for or 'another detail of the account'} to find the right one.",
        )

    async def _candidates(self, ctx: ToolContext, *, phone: str, email: str, name: str) -> list[_Candidate]:
        customers = ctx.client.crm.customers
        limit = _MAX_CANDIDATES + 1
        if phone:
            digits = identity.phone_digits(phone)
            kept = await ctx.accounts.get(digits) if ctx.accounts is not None else None
            if kept is not None:
                return [_Candidate(a.customer, locations=list(a.locations), kept=True) for a in kept]
            page = await customers.list(phone=digits, page_size=limit)
            return [_Candidate(c) for c in page.data if c.active]
        if email:
            ids = await self._email_owners(ctx, email)
            if not ids:
                return []
            page = await customers.list(ids=ids[:limit], page_size=limit)
            return [_Candidate(c) for c in page.data if c.active]
        page = await customers.list(name=name, page_size=limit)
        # the name filter matches parts of names: keep the accounts the name really is
        return [_Candidate(c) for c in page.data if c.active and identity.names_match(name, c.name or "")]

    @staticmethod
    async def _email_owners(ctx: ToolContext, email: str) -> list[int]:
        """Customers with this e-mail. ServiceTitan has no e-mail filter, so this reads the contact list."""
        owners: list[int] = []
        async for contact in ctx.client.paginate(Contact, "crm", "customers/contacts"):
            if contact.customer_id is None or contact.customer_id in owners:
                continue
            if (contact.type or "").lower() == "email" and (contact.value or "").strip().lower() == email:
                owners.append(contact.customer_id)
        return owners

    @staticmethod
    async def _load(ctx: ToolContext, candidate: _Candidate, with_contacts: bool) -> None:
        crm = ctx.client.crm
        if with_contacts:
            candidate.contacts = await crm.customers.contacts(candidate.customer.id)
        if candidate.kept:
            return
        candidate.locations = [
            loc
            async for loc in crm.locations.iterate(customer_id=candidate.customer.id, page_size=50)
            if loc.active
        ]

    @staticmethod
    def _summary(ctx: ToolContext, candidate: _Candidate) -> ToolResult:
        customer = candidate.customer
        recall.remember_locations(ctx, customer.id, candidate.locations)  # a booking needs them next
        facts: list[Fact] = []
        if customer.name:
            facts.append(Fact(kind="customer", value=customer.name))
        places = []
        for loc in candidate.locations:
            address = loc.address
            line = (
                words.address_line(address.street, address.unit, address.city, address.state, address.zip)
                if address
                else ""
            )
            places.append({"locationId": loc.id, "name": loc.name, "address": line})
            if line:
                forms = [address.street] if address and address.street else []
                facts.append(Fact(kind="address", value=line, forms=forms))
        contacts = []
        # without the contact list (a search by phone), the number ServiceTitan matched is the one known
        known = candidate.contacts or [Contact(type="Phone", value=p) for p in sorted(candidate.phones)]
        for contact in known:
            kind, value = (contact.type or ""), (contact.value or "")
            if kind.lower() in _PHONE_TYPES:
                masked = words.mask_phone(value)
                contacts.append({"type": kind, "value": masked})
                facts.append(Fact(kind="phone", value=masked, forms=[value[-4:]]))
            elif kind.lower() == "email":
                masked = words.mask_email(value)
                contacts.append({"type": kind, "value": masked})
                facts.append(Fact(kind="email", value=masked))
        summary: dict[str, Any] = {
            "customerId": customer.id,
            "name": customer.name,
            "type": customer.type,
            "serviceLocations": places,
            "contacts": contacts,
        }
        if customer.balance is not None:  # none from the account cache (capabilities.accounts)
            summary["balance"] = words.money(customer.balance)
            facts.append(words.amount_fact(customer.balance, "balance"))
        return ToolResult(
            data={"match": "verified", "verified": True, "customer": summary},
            facts=facts,
            message="The customer is verified; their account tools are now open for this customerId.",
        )
