"""The Fortnox API client: the only code that speaks HTTP to Fortnox's REST API.

Every request waits for a slot in the tenant's shared rate limit (25 requests per 5 seconds
across all workers), carries a fresh access token (refreshed under a row lock), and is
retried with jittered exponential backoff when the failure is transient. Creates are never
resent after a request may have reached Fortnox: the engine finds such documents again by
their ``ExternalInvoiceReference1``.
https://www.fortnox.se/developer
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import requests
from django.conf import settings

from fortnox.documents import document_kind
from fortnox.errors import error_from_response, transport_error
from fortnox.oauth import FortnoxOAuth
from integrations.http import RetryPolicy, build_session, call_with_retries
from integrations.models import Connection
from integrations.oauth import fresh_access_token
from integrations.ratelimit import build_limiter

log = logging.getLogger(__name__)

# Real responses carry many numbers as strings ("1.12"); these keys become Decimals.
DECIMAL_KEYS = frozenset(
    [
        "Total",
        "TotalVAT",
        "Net",
        "Gross",
        "RoundOff",
        "TotalToPay",
        "Balance",
        "Price",
        "PriceExcludingVAT",
        "TotalExcludingVAT",
        "DeliveredQuantity",
        "OrderedQuantity",
        "Discount",
        "CurrencyRate",
        "CurrencyUnit",
        "Freight",
        "FreightVAT",
        "AdministrationFee",
        "AdministrationFeeVAT",
        "SalesPrice",
        "PurchasePrice",
        "Amount",
        "AmountCurrency",
        "VAT",
        "BuyRate",
        "SellRate",
        "InvoiceTotal",
    ]
)
PAGE_SIZE = 500


def to_decimals(value: Any) -> Any:
    """Parse the string-typed numbers of Fortnox responses into Decimals, recursively."""
    if isinstance(value, dict):
        return {
            key: _decimal(item) if key in DECIMAL_KEYS else to_decimals(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [to_decimals(item) for item in value]
    return value


def _decimal(value: Any) -> Any:
    if isinstance(value, bool) or value is None or value == "":
        return value
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return value


class FortnoxClient:
    """Operations on one Fortnox tenant, named after the remote operation."""

    retry_policy = RetryPolicy(attempts=5, max_seconds=60.0, backoff_base=1.0, backoff_cap=20.0)

    def __init__(
        self,
        *,
        connection: Connection | None = None,
        access_token: str = "",
        session: requests.Session | None = None,
        limiter=None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if (connection is None) == (not access_token):
            raise ValueError("give a connection, or an access token (while connecting)")
        self.connection_id = connection.pk if connection else None
        self.fixed_token = access_token
        self.limit_key = f"fortnox:{connection.account_id if connection else 'connecting'}"
        self.session = session or build_session()
        self.oauth = FortnoxOAuth(session=self.session)
        self.sleep = sleep
        self.limiter = limiter or build_limiter(
            limit=settings.FORTNOX_RATE_LIMIT, window=settings.FORTNOX_RATE_WINDOW, sleep=sleep
        )
        self.requests_sent = 0

    # --- transport --------------------------------------------------------------------
    def request(
        self, method: str, path: str, *, params: dict | None = None, json: dict | None = None
    ) -> requests.Response:
        """Send one API request with rate limiting, token refresh and bounded retries.

        A POST or PUT is never resent once it may have reached Fortnox: it could create a
        second document (the engine finds such a document by its reference instead)."""

        return call_with_retries(
            lambda: self._send_authorised(method, path, params, json),
            policy=self.retry_policy,
            safe_to_repeat=method == "GET",
            sleep=self.sleep,
        )

    def _send_authorised(self, method, path, params, json) -> requests.Response:
        """One send; a 401 before the token's expiry refreshes it once and sends again
        (Fortnox refused the request, so it was not acted on)."""
        token = self._token("")
        response = self._send_once(method, path, token, params, json)
        if response.status_code == 401 and not self.fixed_token:
            response = self._send_once(method, path, self._token(token), params, json)
        if response.status_code >= 400:
            raise error_from_response(response, path=path)
        return response

    def _token(self, rejected_token: str) -> str:
        if self.fixed_token:
            return self.fixed_token
        return fresh_access_token(
            connection_id=self.connection_id, provider=self.oauth, rejected_token=rejected_token
        )

    def _send_once(self, method, path, token, params, json) -> requests.Response:
        self.limiter.acquire(self.limit_key)
        url = f"{settings.FORTNOX_API_URL}{path}"
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.requests_sent += 1
        try:
            return self.session.request(method, url, params=params, json=json, headers=headers)
        except requests.RequestException as exc:
            raise transport_error(exc) from exc

    def _json(self, method: str, path: str, **kwargs) -> dict:
        return to_decimals(self.request(method, path, **kwargs).json())

    def _paged(self, path: str, key: str, params: dict | None = None) -> Iterator[dict]:
        page = 1
        while True:
            body = self._json(
                "GET", path, params={**(params or {}), "limit": PAGE_SIZE, "page": page}
            )
            yield from body.get(key, [])
            meta = body.get("MetaInformation", {})
            if page >= int(meta.get("@TotalPages") or 0):
                return
            page += 1

    # --- company ----------------------------------------------------------------------
    def get_company_information(self) -> dict:
        return self._json("GET", "/3/companyinformation")["CompanyInformation"]

    def list_currencies(self) -> list[dict]:
        return list(self._paged("/3/currencies", "Currencies"))

    # --- customers --------------------------------------------------------------------
    def get_customer(self, *, customer_number: str) -> dict:
        return self._json("GET", f"/3/customers/{customer_number}")["Customer"]

    def create_customer(self, *, customer: dict) -> dict:
        return self._json("POST", "/3/customers", json={"Customer": customer})["Customer"]

    def update_customer(self, *, customer_number: str, customer: dict) -> dict:
        path = f"/3/customers/{customer_number}"
        return self._json("PUT", path, json={"Customer": customer})["Customer"]

    def find_customer(
        self, *, customer_number: str = "", email: str = "", organisation_number: str = ""
    ) -> dict | None:
        """Exact lookup by one field. Fortnox searches by case-insensitive substring, one
        parameter at a time, so the candidates are compared exactly here."""
        field, param, wanted = _one_search(
            CustomerNumber=("customernumber", customer_number),
            Email=("email", email),
            OrganisationNumber=("organisationnumber", organisation_number),
        )
        for item in self._paged("/3/customers", "Customers", {param: _search_term(field, wanted)}):
            if _same(field, item.get(field), wanted):
                return item
        return None

    # --- articles ---------------------------------------------------------------------
    def get_article(self, *, article_number: str) -> dict:
        return self._json("GET", f"/3/articles/{article_number}")["Article"]

    def create_article(self, *, article: dict) -> dict:
        return self._json("POST", "/3/articles", json={"Article": article})["Article"]

    def find_article(self, *, article_number: str = "", description: str = "") -> dict | None:
        field, param, wanted = _one_search(
            ArticleNumber=("articlenumber", article_number),
            Description=("description", description),
        )
        for item in self._paged("/3/articles", "Articles", {param: wanted}):
            if _same(field, item.get(field), wanted):
                return item
        return None

    def set_price(
        self, *, article_number: str, price: Decimal, price_list: str = "A", from_quantity: int = 0
    ) -> dict:
        body = {
            "Price": {
                "ArticleNumber": article_number,
                "PriceList": price_list,
                "FromQuantity": from_quantity,
                "Price": float(price),
            }
        }
        return self._json("POST", "/3/prices", json=body)["Price"]

    # --- invoices and orders: one set of operations, the kind as data ------------------
    # Payloads are sent exactly as given: the engine fits them to Fortnox's field limits
    # when it builds them (fortnox.limits), so what a preview shows is what is sent.
    def create_document(self, *, kind: str, document: dict) -> dict:
        spec = document_kind(kind)
        return self._json("POST", spec.path, json={spec.envelope: document})[spec.envelope]

    def get_document(self, *, kind: str, document_number: str) -> dict:
        spec = document_kind(kind)
        return self._json("GET", f"{spec.path}/{document_number}")[spec.envelope]

    def find_document_by_reference(self, *, kind: str, reference: str) -> dict | None:
        """The document whose ExternalInvoiceReference1 is exactly ``reference``."""
        spec = document_kind(kind)
        params = {"externalinvoicereference1": reference}
        for item in self._paged(spec.path, spec.list_key, params):
            if item.get("ExternalInvoiceReference1") == reference:
                return item
        return None

    def get_document_pdf(self, *, kind: str, document_number: str) -> bytes:
        spec = document_kind(kind)
        return self.request("GET", f"{spec.path}/{document_number}/preview").content

    def create_invoice(self, *, invoice: dict) -> dict:
        return self.create_document(kind="invoice", document=invoice)

    def get_invoice(self, *, document_number: str) -> dict:
        return self.get_document(kind="invoice", document_number=document_number)

    def list_invoices(self, *, filter: str = "", **search: str) -> Iterator[dict]:
        params = {k: v for k, v in search.items() if v}
        if filter:
            params["filter"] = filter
        return self._paged("/3/invoices", "Invoices", params)

    def _invoice_action(self, document_number: str, action: str) -> dict:
        return self._json("PUT", f"/3/invoices/{document_number}/{action}")["Invoice"]

    def bookkeep_invoice(self, *, document_number: str) -> dict:
        return self._invoice_action(document_number, "bookkeep")

    def cancel_invoice(self, *, document_number: str) -> dict:
        return self._invoice_action(document_number, "cancel")

    def credit_invoice(self, *, document_number: str) -> dict:
        return self._invoice_action(document_number, "credit")

    def email_invoice(self, *, document_number: str) -> dict:
        return self._json("GET", f"/3/invoices/{document_number}/email")["Invoice"]

    def create_order(self, *, order: dict) -> dict:
        return self.create_document(kind="order", document=order)

    def get_order(self, *, document_number: str) -> dict:
        return self.get_document(kind="order", document_number=document_number)

    # --- changing what exists: catalog updates and corrections of drafts ---------------
    def update_article(self, *, article_number: str, article: dict) -> dict:
        path = f"/3/articles/{article_number}"
        return self._json("PUT", path, json={"Article": article})["Article"]

    def update_price(
        self, *, article_number: str, price: Decimal, price_list: str = "A", from_quantity: int = 0
    ) -> dict:
        path = f"/3/prices/{price_list}/{article_number}/{from_quantity}"
        return self._json("PUT", path, json={"Price": {"Price": float(price)}})["Price"]

    def update_document(self, *, kind: str, document_number: str, document: dict) -> dict:
        """PUT a draft invoice or order (rows given replace the rows, by position)."""
        spec = document_kind(kind)
        path = f"{spec.path}/{document_number}"
        return self._json("PUT", path, json={spec.envelope: document})[spec.envelope]

    def cancel_document(self, *, kind: str, document_number: str) -> dict:
        spec = document_kind(kind)
        return self._json("PUT", f"{spec.path}/{document_number}/cancel")[spec.envelope]


def _one_search(**candidates: tuple[str, str]) -> tuple[str, str, str]:
    given = [(field, param, value) for field, (param, value) in candidates.items() if value]
    if len(given) != 1:
        raise ValueError("give exactly one search value")
    return given[0]


def _search_term(field: str, wanted: str) -> str:
    """Organisation numbers are stored as "556677-8899" or "5566778899"; the last four
    digits stand together in both forms, so search by them and compare exactly after."""
    if field == "OrganisationNumber":
        return _digits(wanted)[-4:]
    return wanted


def _same(field: str, found: Any, wanted: str) -> bool:
    if found is None:
        return False
    if field == "OrganisationNumber":
        return _digits(str(found)) == _digits(wanted)
    if field in {"Email", "Description"}:
        return str(found).strip().lower() == wanted.strip().lower()
    return str(found) == wanted


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isalnum()).upper()
