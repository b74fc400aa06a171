"""Routing of ``/3/*`` requests to resource handlers, with the scope each resource needs."""

from __future__ import annotations

from collections.abc import Callable

from fortnox.sandbox import (
    articles,
    company,
    customers,
    errors,
    invoice_actions,
    invoices,
    orders,
    payments,
)
from fortnox.sandbox.context import Context
from fortnox.sandbox.errors import Response

# First path segment -> the scope that grants it (reference, section 2).
RESOURCE_SCOPES = {
    "customers": "customer",
    "articles": "article",
    "prices": "price",
    "invoices": "invoice",
    "orders": "order",
    "invoicepayments": "payment",
    "companyinformation": "companyinformation",
    "currencies": "currency",
}

Handler = Callable[..., Response]
PRICE = ("prices", "{price_list}", "{article}")


def _action(actions: dict[tuple[str, str], Handler]) -> Handler:
    def dispatch(ctx: Context, number: str, action: str) -> Response:
        handler = actions.get((ctx.method, action))
        if handler is None:
            raise unknown_resource()
        return handler(ctx, number)

    return dispatch


ROUTES: list[tuple[str, tuple[str, ...], Handler]] = [
    ("GET", ("customers",), customers.list_customers),
    ("POST", ("customers",), customers.create_customer),
    ("GET", ("customers", "{number}"), customers.get_customer),
    ("PUT", ("customers", "{number}"), customers.update_customer),
    ("DELETE", ("customers", "{number}"), customers.delete_customer),
    ("GET", ("articles",), articles.list_articles),
    ("POST", ("articles",), articles.create_article),
    ("GET", ("articles", "{number}"), articles.get_article),
    ("PUT", ("articles", "{number}"), articles.update_article),
    ("DELETE", ("articles", "{number}"), articles.delete_article),
    ("POST", ("prices",), articles.create_price),
    ("GET", PRICE, articles.get_price),
    ("GET", (*PRICE, "{from_quantity}"), articles.get_price),
    ("PUT", PRICE, articles.update_price),
    ("PUT", (*PRICE, "{from_quantity}"), articles.update_price),
    ("GET", ("invoices",), invoices.list_invoices),
    ("POST", ("invoices",), invoices.create_invoice),
    ("GET", ("invoices", "{number}"), invoices.get_invoice),
    ("PUT", ("invoices", "{number}"), invoices.update_invoice),
    ("GET", ("invoices", "{number}", "{action}"), _action(invoice_actions.ACTIONS)),
    ("PUT", ("invoices", "{number}", "{action}"), _action(invoice_actions.ACTIONS)),
    ("GET", ("orders",), orders.list_orders),
    ("POST", ("orders",), orders.create_order),
    ("GET", ("orders", "{number}"), orders.get_order),
    ("PUT", ("orders", "{number}"), orders.update_order),
    ("GET", ("orders", "{number}", "{action}"), _action(orders.ACTIONS)),
    ("PUT", ("orders", "{number}", "{action}"), _action(orders.ACTIONS)),
    ("GET", ("invoicepayments",), payments.list_payments),
    ("POST", ("invoicepayments",), payments.create_payment),
    ("GET", ("invoicepayments", "{number}"), payments.get_payment),
    ("PUT", ("invoicepayments", "{number}"), payments.update_payment),
    ("DELETE", ("invoicepayments", "{number}"), payments.delete_payment),
    ("PUT", ("invoicepayments", "{number}", "bookkeep"), payments.bookkeep_payment),
    ("GET", ("companyinformation",), company.company_information),
    ("GET", ("currencies",), company.list_currencies),
    ("GET", ("currencies", "{code}"), company.get_currency),
]


def unknown_resource() -> errors.ApiError:
    """The answer to a path or method the API does not have."""
    return errors.not_found(errors.UNKNOWN_RESOURCE, "Ogiltig resurs eller metod.")


def _bind(pattern: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    if len(pattern) != len(segments):
        return None
    params = {}
    for token, segment in zip(pattern, segments, strict=True):
        if token.startswith("{"):
            if not segment:
                return None
            params[token[1:-1]] = segment
        elif token != segment.lower():
            return None
    return params


def dispatch(ctx: Context, segments: list[str]) -> Response:
    """Call the handler for ``segments`` (the path after ``/3/``, URL-decoded)."""
    for method, pattern, handler in ROUTES:
        if method != ctx.method:
            continue
        params = _bind(pattern, segments)
        if params is not None:
            return handler(ctx, **params)
    raise unknown_resource()
