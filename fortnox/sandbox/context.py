"""What a resource handler is given for one API request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fortnox.sandbox import errors
from fortnox.sandbox.state import Tenant

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass
class Context:
    """One authenticated ``/3/*`` request against one tenant."""

    tenant: Tenant
    method: str
    query: dict[str, str]
    body: bytes
    now: float
    api_url: str

    def url(self, *parts: str) -> str:
        """The ``@url`` of an object, e.g. ``url("customers", "12")``."""
        return "/".join([self.api_url.rstrip("/"), "3", *parts])

    def today(self) -> date:
        """Today in Sweden by the sandbox clock."""
        return datetime.fromtimestamp(self.now, STOCKHOLM).date()

    def touch(self, collection: str, number: str) -> None:
        """Mark an object as changed now."""
        self.tenant.touch(collection, number, self.now)

    def get(self, collection: str, number: str, code: int, message: str) -> dict[str, Any]:
        """An object of the tenant, or Fortnox's 404."""
        found = getattr(self.tenant, collection).get(number)
        if found is None:
            raise errors.not_found(code, message)
        return found

    def customer(self, number: str) -> dict[str, Any]:
        """A customer, or 404 2000433."""
        return self.get("customers", number, errors.CUSTOMER_NOT_FOUND, "Kan inte hitta kunden.")

    def article(self, number: str) -> dict[str, Any]:
        """An article, or 404 2000428."""
        return self.get("articles", number, errors.ARTICLE_NOT_FOUND, "Kan inte hitta artikeln.")

    def check_currency(self, code: str, name: str = "Currency") -> None:
        """Reject a currency that is not in the tenant's register."""
        if code not in self.tenant.currencies:
            raise errors.bad_request(
                errors.CURRENCY_NOT_FOUND, f"Could not find currency {code!r} ({name})."
            )

    def check_vat(self, rate: Any) -> None:
        """Reject a VAT rate the tenant has not set up ("Kunde inte hitta moms")."""
        if rate not in self.tenant.vat_rates:
            raise errors.bad_request(errors.VAT_NOT_FOUND, f"Kunde inte hitta moms {rate} %.")
