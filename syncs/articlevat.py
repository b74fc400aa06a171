"""A row's VAT rate from its Fortnox article, where the source gave none.

A source that knows no rate for a line (a HubSpot line item without ``hs_tax_rate``) marks
it ``vat_from_article`` with its fallback rate. Once the engine knows the line's article,
the article's rate wins; the line's VAT and the document's totals follow, so that the
totals Fortnox computes are still checked against the right figures.
"""

from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

from fortnox.client import FortnoxClient
from integrations.documents import CENT, SalesDocument, Totals
from integrations.errors import ConnectorError
from syncs.runs import RunLog


def line_vat(amount: Decimal, rate: Decimal, *, included: bool) -> Decimal:
    """The VAT in (``included``) or on ``amount``, rounded half up to the öre per row."""
    share = rate / (100 + rate) if included else rate / 100
    return (amount * share).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_from_articles(
    *, doc: SalesDocument, article_numbers: dict[int, str], client: FortnoxClient, log: RunLog
) -> SalesDocument:
    """``doc`` with the article's rate on every ``vat_from_article`` line that has one."""
    lines, delta = list(doc.lines), Decimal(0)
    rates: dict[str, Decimal | None] = {}
    for index, line in enumerate(doc.lines):
        number = article_numbers.get(index, "")
        if not line.vat_from_article or not number:
            continue
        if number not in rates:
            rates[number] = _article_rate(client, number)
        rate = rates[number]
        if rate is None or rate == line.vat_rate:
            continue
        vat = line_vat(line.amount, rate, included=doc.prices_include_vat)
        delta += vat - line.vat_amount
        lines[index] = dataclasses.replace(line, vat_rate=rate, vat_amount=vat)
        log.info("vat", f"{line.description!r}: VAT {rate:g} % from Fortnox article {number}")
    if lines == list(doc.lines):
        return doc
    total = doc.totals.total + (Decimal(0) if doc.prices_include_vat else delta)
    totals = Totals(total=total, vat=doc.totals.vat + delta)
    return dataclasses.replace(doc, lines=tuple(lines), totals=totals)


def _article_rate(client: FortnoxClient, number: str) -> Decimal | None:
    try:
        rate = client.get_article(article_number=number).get("VAT")
    except ConnectorError as error:
        if error.permanent:
            return None  # a placeholder or shipping article we may not read: keep the rate
        raise
    if rate in (None, ""):
        return None
    rate = Decimal(str(rate))
    return rate.quantize(Decimal(1)) if rate == rate.to_integral_value() else rate.normalize()
