"""getCustomerInvoices and getInvoice: what the verified customer was billed, what is still owed, and for what."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from frontdesk.capabilities.pack import words
from frontdesk.capabilities.pack.visits import ensure_own, verified_customer, zone
from frontdesk.capabilities.tool import Fact, Tool, ToolContext, ToolResult
from frontdesk.servicetitan.errors import NotFound
from frontdesk.servicetitan.models import Invoice

_SCOPES = ("tn.acc.invoices:r",)
_ZERO = Decimal("0")


def _owed(invoice: Invoice) -> Decimal:
    return invoice.balance if invoice.balance is not None else _ZERO


def _quantity(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.normalize(), "f")


def _invoice_view(invoice: Invoice, ctx: ToolContext, facts: list[Fact]) -> dict[str, Any]:
    """One invoice as the model sees it, adding the facts a reply about it may state."""
    tz = zone(ctx)
    owed = _owed(invoice)
    out: dict[str, Any] = {
        "invoice": invoice.reference_number,
        "invoiceId": invoice.id,
        "total": words.money(invoice.total),
        "balance": words.money(owed),
        "paid": owed <= 0,
    }
    if invoice.reference_number:
        facts.append(
            Fact(kind="invoice", value=invoice.reference_number, forms=[f"#{invoice.reference_number}"])
        )
    facts.append(words.amount_fact(invoice.total, "total"))
    if owed > 0:
        facts.append(words.amount_fact(owed, "balance due"))
    if invoice.invoice_date is not None:
        out["date"] = words.full_date(invoice.invoice_date, tz)
        facts.append(Fact(kind="date", value=out["date"]))
    if invoice.due_date is not None and owed > 0:
        out["dueDate"] = words.full_date(invoice.due_date, tz)
        facts.append(Fact(kind="date", value=out["dueDate"]))
    if invoice.paid_on is not None:
        out["paidOn"] = words.full_date(invoice.paid_on, tz)
        facts.append(Fact(kind="date", value=out["paidOn"]))
    if invoice.job is not None and invoice.job.number:
        out["jobNumber"] = invoice.job.number
        facts.append(Fact(kind="job_number", value=invoice.job.number))
        if invoice.job.type:
            out["jobType"] = invoice.job.type
    summary = words.quoted(invoice.summary)
    if summary:
        out["summary"] = summary
    return out


class GetCustomerInvoices(Tool):
    id = "getCustomerInvoices"
    description = (
        "The verified customer's invoices, newest first, with totals, what is still owed and due dates, and "
        "the balance owed across all of them."
    )
    access = "account"
    scopes = _SCOPES

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "customerId": {"type": "integer", "description": "the verified customer's id (optional)"},
                "unpaidOnly": {
                    "type": "boolean",
                    "default": False,
                    "description": "only invoices still owed",
                },
                "limit": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5},
            },
            "additionalProperties": False,
        }

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        customer_id = verified_customer(ctx)
        invoices = [
            i async for i in ctx.client.accounting.invoices.iterate(customer_id=customer_id, page_size=200)
        ]
        for invoice in invoices:
            ensure_own(ctx, invoice.customer.id if invoice.customer else None)
        invoices.sort(key=lambda i: (i.invoice_date is not None, i.invoice_date, i.id), reverse=True)
        owed = sum((_owed(i) for i in invoices if _owed(i) > 0), _ZERO)
        unpaid = [i for i in invoices if _owed(i) > 0]
        chosen = unpaid if args.get("unpaidOnly") else invoices
        shown = chosen[: int(args.get("limit", 5))]
        facts: list[Fact] = [words.amount_fact(owed, "balance")]
        data: dict[str, Any] = {
            "balanceOwed": words.money(owed),
            "unpaidInvoices": len(unpaid),
            "invoices": [_invoice_view(i, ctx, facts) for i in shown],
        }
        if len(chosen) > len(shown):
            data["moreInvoices"] = len(chosen) - len(shown)
        message = None
        if not invoices:
            message = "The customer has no invoices."
        elif not unpaid:
            message = "Everything is paid; nothing is owed."
        return ToolResult(data=data, facts=facts, message=message)


class GetInvoice(Tool):
    id = "getInvoice"
    description = (
        "One of the verified customer's invoices in detail: line items, total, tax, what is still owed and "
        "the due date. Give the invoice number the customer has, or an invoiceId."
    )
    access = "account"
    scopes = _SCOPES

    def parameters(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "invoiceNumber": {"type": "string", "description": "the number printed on the invoice"},
                "invoiceId": {"type": "integer", "description": "an invoiceId from getCustomerInvoices"},
            },
            "additionalProperties": False,
        }

    async def run(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        verified_customer(ctx)
        if args.get("invoiceId") is None and not str(args.get("invoiceNumber") or "").strip():
            return ToolResult.error("Say which invoice: give its invoiceNumber (or an invoiceId).")
        invoice = await self._find(ctx, args)
        if invoice is None:
            return ToolResult(
                status="not_found",
                message="No invoice has that number. Ask the customer to check it, or list their invoices "
                "with getCustomerInvoices.",
            )
        ensure_own(ctx, invoice.customer.id if invoice.customer else None)
        facts: list[Fact] = []
        data = _invoice_view(invoice, ctx, facts)
        data["subTotal"] = words.money(invoice.sub_total)
        data["salesTax"] = words.money(invoice.sales_tax)
        facts.append(words.amount_fact(invoice.sub_total, "subtotal"))
        facts.append(words.amount_fact(invoice.sales_tax, "tax"))
        items = []
        for item in invoice.items:
            items.append(
                {
                    "description": words.quoted(item.display_name or item.description or item.sku_name, 120),
                    "quantity": _quantity(item.quantity),
                    "price": words.money(item.price),
                    "total": words.money(item.total),
                }
            )
            facts.append(words.amount_fact(item.price))
            facts.append(words.amount_fact(item.total))
        data["items"] = items
        return ToolResult(data=data, facts=facts)

    @staticmethod
    async def _find(ctx: ToolContext, args: dict[str, Any]) -> Invoice | None:
        invoices = ctx.client.accounting.invoices
        if args.get("invoiceId") is not None:
            try:
                return await invoices.get(int(args["invoiceId"]))
            except NotFound:
                return None
        number = str(args.get("invoiceNumber") or "").strip().lstrip("#").strip()
        if not number:
            return None
        page = await invoices.list(number=number, page_size=5)
        return next((i for i in page.data if i.reference_number == number), None)
