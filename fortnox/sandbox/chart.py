"""The tenant's chart of accounts: the accounts Fortnox books through, and its refusals.

Three ways an account can be missing, each answered the way the reference describes:

* a document row or a payment names an account outright (``AccountNumber``,
  ``ModeOfPaymentAccount``, a write-off): 400 2000423 "Kan inte hitta kontot." (reference §4,
  whose example error is exactly this body; the table gives the status only as 4xx, 400 is
  what validation failures return in the recorded exchanges, so the status is inferred);
* a register setting names one (an article's Sales/Purchase/EU/EUVAT/Export account, a
  customer's SalesAccount): 400 2001304 (reference §9.6: missing or non-existent accounts
  give 2001304; the PurchaseAccount wording "Inköpskonto inte uppdaterat. Kontot "4000"
  existerar inte." is from there, the other field names are inferred in the same shape);
* a predefined account Fortnox falls back on is not in the chart (a row without account,
  the receivable, VAT, freight, fee or öresavrundning account when booking): 400 2001304
  "Kunde inte hitta konto" (reference §4 table: "account not found (preferred accounts
  missing)"; the message is the one Fortnox's errors page gives for the code).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from fortnox.sandbox import errors
from fortnox.sandbox.state import Tenant

# Predefined accounts: where Fortnox books what a row or article does not name (BAS).
SALES_BY_RATE = {25: 3001, 12: 3002, 6: 3003, 0: 3004}
RECEIVABLES = 1510
OUTPUT_VAT_BY_RATE = {25: 2611, 12: 2621, 6: 2631}
FREIGHT = 3520
ADMINISTRATION_FEE = 3540
ROUND_OFF = 3740

# How Fortnox names each account field of a register in its refusal (see the docstring).
REGISTER_LABELS = {
    "PurchaseAccount": "Inköpskonto",
    "SalesAccount": "Försäljningskonto",
    "EUAccount": "Försäljningskonto EU",
    "EUVATAccount": "Försäljningskonto EU moms",
    "ExportAccount": "Försäljningskonto export",
}


def exists(tenant: Tenant, number: Any) -> bool:
    """Whether ``number`` is an account in the tenant's chart."""
    return str(number) in tenant.accounts


def check_named(tenant: Tenant, number: Any) -> None:
    """An account named outright on a row or a payment: 2000423 when it does not exist."""
    if number not in (None, "") and not exists(tenant, number):
        raise errors.bad_request(errors.ACCOUNT_NOT_FOUND, "Kan inte hitta kontot.")


def check_predefined(tenant: Tenant, number: Any) -> None:
    """An account Fortnox falls back on by itself: 2001304 when the chart lacks it."""
    if not exists(tenant, number):
        raise errors.bad_request(errors.PREFERRED_ACCOUNT_MISSING, "Kunde inte hitta konto")


def check_register(tenant: Tenant, record: dict[str, Any], names: Iterable[str]) -> None:
    """Account fields of an article or customer: 2001304 naming the field and the account."""
    for name in names:
        number = record.get(name)
        if number not in (None, "") and not exists(tenant, number):
            label = REGISTER_LABELS.get(name, name)
            raise errors.bad_request(
                errors.PREFERRED_ACCOUNT_MISSING,
                f'{label} inte uppdaterat. Kontot "{number}" existerar inte.',
            )


def voucher_accounts(doc: dict[str, Any], rows_key: str, no_vat: bool) -> list[int]:
    """Every account booking ``doc`` touches: receivable, row, VAT, freight, fee, rounding."""
    accounts = [RECEIVABLES]
    for row in doc[rows_key]:
        accounts.append(row["AccountNumber"])
        if not no_vat and row["VAT"] in OUTPUT_VAT_BY_RATE:
            accounts.append(OUTPUT_VAT_BY_RATE[row["VAT"]])
    amounts = {
        FREIGHT: doc.get("Freight"),
        ADMINISTRATION_FEE: doc.get("AdministrationFee"),
        ROUND_OFF: doc.get("RoundOff"),
    }
    accounts.extend(n for n, amount in amounts.items() if Decimal(str(amount or 0)) != 0)
    fee_vat = [doc.get("FreightVAT"), doc.get("AdministrationFeeVAT")]
    if not no_vat and any(Decimal(str(v or 0)) != 0 for v in fee_vat):
        accounts.append(OUTPUT_VAT_BY_RATE[25])
    return accounts


def check_voucher(tenant: Tenant, doc: dict[str, Any], rows_key: str, no_vat: bool) -> None:
    """Refuse to book a document whose voucher would need an account the chart lacks."""
    for number in voucher_accounts(doc, rows_key, no_vat):
        check_predefined(tenant, number)
