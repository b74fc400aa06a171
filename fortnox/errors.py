"""Turning Fortnox's answers into ``ConnectorError``s a merchant can act on.

Fortnox answers errors in three shapes: ``ErrorInformation`` (in two casings), OAuth's
``{"error": ...}`` and the gateway's ``{"message": "unauthorized"}``. Everything is
classified here, once: rate limits, 5xx and timeouts are transient; the rest is permanent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import requests

from integrations import http
from integrations.errors import ConnectorError

PROVIDER = "fortnox"

# Which Fortnox module a path needs, for licence and scope errors.
MODULES = {
    "invoices": "invoicing (the invoice licence and the 'invoice' permission)",
    "invoicepayments": "invoice payments (the invoice licence and the 'payment' permission)",
    "orders": "orders (the order licence and the 'order' permission)",
    "customers": "customer register (the 'customer' permission)",
    "articles": "article register (the 'article' permission)",
    "prices": "price lists (the 'price' permission)",
    "currencies": "currencies (the 'currency' permission)",
    "companyinformation": "company information (the 'companyinformation' permission)",
    "settings": "company settings (the 'settings' permission)",
}
LICENCE_CODES = {2001101, 2000663, 2001103}
NOT_FOUND = {
    2000433: "The customer does not exist in Fortnox.",
    2000428: "The article does not exist in Fortnox.",
    2000434: "The invoice does not exist in Fortnox.",
    2000439: "The order does not exist in Fortnox.",
    2000423: "An account used by this document does not exist in Fortnox's chart of accounts.",
}


@dataclass(frozen=True)
class ParsedError:
    code: int | None
    message: str


def parse_error(response: requests.Response) -> ParsedError:
    """Read the code and message from any of Fortnox's error shapes."""
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return ParsedError(None, response.text[:300])
    if not isinstance(body, dict):
        return ParsedError(None, str(body)[:300])
    info = body.get("ErrorInformation") or body.get("errorInformation")
    if isinstance(info, dict):
        lowered = {k.lower(): v for k, v in info.items()}
        code = lowered.get("code")
        try:
            code = int(code) if code is not None else None
        except (TypeError, ValueError):
            code = None
        return ParsedError(code, str(lowered.get("message", "")))
    if "error" in body:
        return ParsedError(None, f"{body['error']}: {body.get('error_description', '')}".strip())
    return ParsedError(None, str(body.get("message", "")))


def _resource(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return parts[1] if len(parts) > 1 and parts[0] == "3" else (parts[0] if parts else "")


def error_from_response(response: requests.Response, *, path: str) -> ConnectorError:
    status = response.status_code
    parsed = parse_error(response)
    detail = f"HTTP {status}: {parsed.message}" + (f" (code {parsed.code})" if parsed.code else "")

    def make(message: str, *, permanent: bool, retry_after: float | None = None):
        return ConnectorError(
            message,
            permanent=permanent,
            provider=PROVIDER,
            code=parsed.code,
            status=status,
            detail=detail,
            retry_after=retry_after,
        )

    if status == 429:
        return make(
            "Fortnox asked us to slow down; the request will be retried.",
            permanent=False,
            retry_after=_retry_after(response),
        )
    if status >= 500:
        return make(
            "Fortnox is not answering properly right now; it will be retried.", permanent=False
        )
    if status == 401:
        return make(
            "Fortnox did not accept the connection's access token. Reconnect Fortnox.",
            permanent=True,
        )
    return make(_sentence(status, parsed, _resource(path)), permanent=True)


def _sentence(status: int, parsed: ParsedError, resource: str) -> str:
    module = MODULES.get(resource, resource or "this part of Fortnox")
    text = parsed.message
    lowered = text.lower()
    if parsed.code in LICENCE_CODES or status == 403:
        return (
            f"Your Fortnox account is missing {module}. Add the licence in Fortnox (or ask"
            " the account's administrator), then reconnect Fortnox so the permission is"
            " granted."
        )
    if parsed.code == 2000637:
        return (
            "That customer number is already used in Fortnox (numbers of deleted customers"
            " stay reserved). Link the existing customer or let Fortnox number new customers."
        )
    if parsed.code == 2000166:
        return (
            "The article number has characters Fortnox does not allow; use letters, digits"
            " and _ + / - only."
        )
    if parsed.code == 2001304:
        return (
            "An account that Fortnox needs for this document is missing from the chart of"
            " accounts (Inställningar > Bokföring > Fördefinierade konton). Add it and retry."
        )
    if "moms" in lowered or "vat" in lowered:
        return (
            f"A VAT rate on this document is not set up in Fortnox ({text}). Add the rate"
            " under Inställningar > Bokföring > Momskoder, or map the product to a rate"
            " Fortnox has."
        )
    if "valuta" in lowered or "currency" in lowered:
        return (
            f"The document's currency is not in Fortnox's currency register ({text}). Add it"
            " under Inställningar > Bokföring > Valutor and retry."
        )
    if parsed.code in NOT_FOUND:
        return NOT_FOUND[parsed.code]
    if status == 404:
        return f"Fortnox could not find what was asked for ({text})."
    return f"Fortnox rejected the request: {text}" + (
        f" (code {parsed.code})." if parsed.code else "."
    )


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def transport_error(exc: requests.RequestException) -> ConnectorError:
    return http.transport_error(exc, provider=PROVIDER, label="Fortnox")
