"""The sandbox's stored data: tenants (Fortnox companies) and their registers.

Objects are kept as plain dicts in their response shape, so state serialises to JSON as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fortnox.sandbox.bas import DEFAULT_CHART


def words(text: str) -> list[str]:
    """Split a whitespace-separated list of names (keeps long field lists readable)."""
    return text.split()


# Scopes an app can be granted (reference, section 2).
ALL_SCOPES: tuple[str, ...] = (
    "companyinformation",
    "customer",
    "article",
    "invoice",
    "order",
    "offer",
    "payment",
    "price",
    "currency",
    "settings",
    "bookkeeping",
    "costcenter",
    "project",
    "print",
    "archive",
    "connectfile",
    "inbox",
    "salary",
    "supplier",
    "supplierinvoice",
    "noxfinansinvoice",
    "profile",
    "assets",
    "timereporting",
)
# Scopes that need no module licence (company details are always readable).
LICENCE_FREE_SCOPES = frozenset({"companyinformation", "profile", "settings"})

# SEK per unit of each currency in a fresh tenant's register (illustrative rates).
DEFAULT_RATES: dict[str, str] = {
    "SEK": "1",
    "EUR": "11.45",
    "USD": "10.62",
    "GBP": "13.38",
    "NOK": "0.99",
    "DKK": "1.54",
    "CHF": "12.05",
    "JPY": "0.071",
    "PLN": "2.66",
}
UNITS = ("st", "h", "tim", "kg", "g", "m", "m2", "l", "pkt", "dag", "mån", "km", "förp")
PRICE_LISTS = ("A", "B", "C")
COLLECTIONS = ("customers", "articles", "invoices", "orders", "payments", "prices")


@dataclass
class Tenant:
    """One Fortnox company (``database_number`` is the OAuth tenantId)."""

    database_number: str
    company_name: str
    scopes: frozenset[str] | None = None
    licences: frozenset[str] | None = None
    currencies: tuple[str, ...] = ("SEK", "EUR", "USD", "GBP", "NOK", "DKK")
    vat_rates: tuple[int, ...] = (25, 12, 6, 0)
    round_off: bool = False
    # One-stop shop (OSS): EU consumers may be charged their own country's VAT rate.
    oss: bool = False
    # The chart of accounts: account number (as a string) -> name. See bas.py.
    accounts: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CHART))
    organization_number: str = "556000-0000"
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    prices: dict[str, dict[str, Any]] = field(default_factory=dict)
    used_customer_numbers: set[str] = field(default_factory=set)
    modified: dict[str, float] = field(default_factory=dict)
    vouchers: int = 0
    row_ids: int = 0

    def next_row_id(self) -> int:
        """A fresh RowId (Fortnox renumbers rows on every update)."""
        self.row_ids += 1
        return self.row_ids

    def allows_scope(self, scope: str) -> bool:
        """Whether the app may be granted ``scope`` for this tenant."""
        return self.scopes is None or scope in self.scopes

    def has_licence(self, scope: str) -> bool:
        """Whether the company holds the module licence behind ``scope``."""
        if scope in LICENCE_FREE_SCOPES:
            return True
        return self.licences is None or scope in self.licences

    def granted_scopes(self) -> list[str]:
        """The scopes a token gets when none are asked for."""
        return [s for s in ALL_SCOPES if self.allows_scope(s)]

    def rate(self, currency: str) -> str:
        """The register's SEK rate for ``currency`` (1 when unknown to the defaults)."""
        return DEFAULT_RATES.get(currency, "1")

    def next_number(self, collection: str, start: int = 1) -> str:
        """The next free numeric identifier: one above the highest numeric one in use."""
        taken = set(getattr(self, collection))
        if collection == "customers":
            taken |= self.used_customer_numbers
        numbers = [int(n) for n in taken if n.isdigit()]
        return str(max(numbers, default=start - 1) + 1)

    def touch(self, collection: str, number: str, now: float) -> None:
        """Record when an object last changed (for ``lastmodified``)."""
        self.modified[f"{collection}/{number}"] = now

    def modified_at(self, collection: str, number: str) -> float:
        """When an object last changed (0 if never recorded)."""
        return self.modified.get(f"{collection}/{number}", 0.0)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable copy of the tenant."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        for name in ("scopes", "licences"):
            data[name] = sorted(data[name]) if data[name] is not None else None
        data["used_customer_numbers"] = sorted(self.used_customer_numbers)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tenant:
        """Rebuild a tenant saved by :meth:`to_dict`."""
        data = dict(data)
        for name in ("scopes", "licences"):
            data[name] = frozenset(data[name]) if data.get(name) is not None else None
        data["currencies"] = tuple(data["currencies"])
        data["vat_rates"] = tuple(data["vat_rates"])
        data["used_customer_numbers"] = set(data.get("used_customer_numbers", ()))
        return cls(**data)


@dataclass
class LogEntry:
    """One request the sandbox answered (or refused)."""

    at: float
    tenant: str | None
    method: str
    path: str
    status: int
    grant_type: str | None = None
    fault: str | None = None


# ISO 3166-1 alpha-2 codes the sandbox accepts as CountryCode; names for the common ones.
COUNTRY_NAMES = {
    "SE": "Sverige",
    "NO": "Norge",
    "DK": "Danmark",
    "FI": "Finland",
    "IS": "Island",
    "DE": "Tyskland",
    "GB": "Storbritannien",
    "US": "USA",
    "FR": "Frankrike",
    "NL": "Nederländerna",
    "ES": "Spanien",
    "IT": "Italien",
    "PL": "Polen",
    "EE": "Estland",
    "LV": "Lettland",
    "LT": "Litauen",
    "AT": "Österrike",
    "BE": "Belgien",
    "CH": "Schweiz",
    "IE": "Irland",
    "PT": "Portugal",
    "CA": "Kanada",
    "AU": "Australien",
    "JP": "Japan",
    "CN": "Kina",
}
COUNTRY_CODES = frozenset(
    words(
        """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK
    DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR
    GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM
    KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP
    MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL
    PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST
    SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG
    VI VN VU WF WS YE YT ZA ZM ZW"""
    )
)
