"""Writes the scenario orders of the "Books an accountant signs" table.

``python -m tests.shopify_app.scenario_orders`` computes each order the way Shopify does
(see ``shopify_app/sandbox/scenarios/README.md``) and writes it as a complete REST webhook
body, every money field with its ``*_set`` twin. The files are the fixtures; this module is
how they were made, kept so a number can be traced and a scenario changed.

Amounts are in the buyer's (presentment) currency first. For a buyer paying another
currency than the shop's, every shop-money field is converted on its own at the rate and
rounded, as Shopify does, so the shop-money fields need not add up.
"""

# ruff: noqa: E501, RUF028 - scenario data is laid out by hand, one order per block

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

D = Decimal
CENT = D("0.01")
SCENARIOS = Path(__file__).resolve().parents[2] / "shopify_app" / "sandbox" / "scenarios"


def r2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def text(value: Decimal) -> str:
    return str(r2(value))


@dataclass
class Item:
    title: str
    price: str
    quantity: int = 1
    rate: str = "0.25"  # "" for no tax line
    sku: str = ""
    variant: str = ""
    requires_shipping: bool = True
    discount_percent: str = ""  # a manual discount on this line only
    duty: str = ""  # duties on this line
    tip: bool = False
    product: bool = True


@dataclass
class Spec:
    file: str
    order_id: int
    name: str
    created: str
    customer: dict[str, Any] | None
    billing: dict[str, Any] | None
    items: list[Item]
    shipping: tuple[str, str] | None = None  # (title, price)
    shipping_split: bool = False  # taxed proportionally at the goods' rates
    shipping_rate: str = "0.25"
    taxes_included: bool = True
    presentment: str = "SEK"
    rate: str = "1"  # shop currency per presentment unit
    code: tuple[str, str, str] | None = None  # (code, "percentage"|"fixed_amount", value)
    email: str | None = None
    note_attributes: list[dict[str, str]] = field(default_factory=list)
    tax_exempt: bool = False
    tax_title: str = "Moms"


class Money:
    def __init__(self, spec: Spec) -> None:
        self.rate = D(spec.rate)
        self.presentment = spec.presentment

    def set(self, amount: Decimal) -> dict[str, Any]:
        return {
            "shop_money": {"amount": text(amount * self.rate), "currency_code": "SEK"},
            "presentment_money": {"amount": text(amount), "currency_code": self.presentment},
        }

    def pair(self, key: str, amount: Decimal) -> dict[str, Any]:
        twin = self.set(amount)
        return {key: twin["shop_money"]["amount"], f"{key}_set": twin}


def _allocations(spec: Spec, items: list[Item]) -> tuple[list[Decimal], list[dict]]:
    """Discount per line and the discount applications."""
    totals = [D(i.price) * i.quantity for i in items]
    discounts = [D(0)] * len(items)
    applications = []
    for index, item in enumerate(items):
        if item.discount_percent:
            discounts[index] = r2(totals[index] * D(item.discount_percent) / 100)
    manual = [i for i, item in enumerate(items) if item.discount_percent]
    if manual:
        applications.append(
            {"target_type": "line_item", "type": "manual", "value": str(float(items[manual[0]].discount_percent)),
             "value_type": "percentage", "allocation_method": "one", "target_selection": "explicit",
             "title": "Personalrabatt", "description": "Personalrabatt"}
        )  # fmt: skip
    if spec.code:
        code, kind, value = spec.code
        eligible = [i for i, item in enumerate(items) if not item.tip and not item.discount_percent]
        base = [totals[i] for i in eligible]
        if kind == "percentage":
            shares = [r2(amount * D(value) / 100) for amount in base]
        else:
            shares = [r2(D(value) * amount / sum(base)) for amount in base[:-1]]
            shares.append(D(value) - sum(shares))
        for i, share in zip(eligible, shares, strict=True):
            discounts[i] += share
        applications.append(
            {"target_type": "line_item", "type": "discount_code", "value": str(float(value)),
             "value_type": kind, "allocation_method": "across", "target_selection": "all",
             "code": code}
        )  # fmt: skip
    return discounts, applications


def _tax(amount: Decimal, rate: Decimal, included: bool) -> Decimal:
    return r2(amount * rate / (1 + rate)) if included else r2(amount * rate)


def _tax_line(money: Money, rate: str, amount: Decimal, title: str) -> dict[str, Any]:
    return {"title": title, "rate": float(rate), **money.pair("price", amount),
            "channel_liable": False}  # fmt: skip


def build(spec: Spec) -> dict[str, Any]:
    money = Money(spec)
    items = spec.items
    discounts, applications = _allocations(spec, items)
    line_items, taxes_by_rate, line_net = [], {}, {}
    for index, item in enumerate(items):
        amount = D(item.price) * item.quantity - discounts[index]
        tax_lines = []
        if item.rate and not spec.tax_exempt and not item.tip:
            tax = _tax(amount, D(item.rate), spec.taxes_included)
            tax_lines.append(_tax_line(money, item.rate, tax, spec.tax_title))
            taxes_by_rate[item.rate] = taxes_by_rate.get(item.rate, D(0)) + tax
            net = amount - tax if spec.taxes_included else amount
            line_net[item.rate] = line_net.get(item.rate, D(0)) + net
        line_items.append(_line_item(spec, money, index, item, discounts[index], tax_lines,
                                     applications))  # fmt: skip
    shipping_lines, shipping_total, shipping_tax = [], D(0), D(0)
    if spec.shipping:
        title, price = spec.shipping
        shipping_total = D(price)
        tax_lines = []
        if not spec.tax_exempt and spec.shipping_rate:
            parts = _shipping_parts(spec, shipping_total, line_net)
            for rate, part in parts:
                tax = _tax(part, D(rate), spec.taxes_included)
                tax_lines.append(_tax_line(money, rate, tax, spec.tax_title))
                taxes_by_rate[rate] = taxes_by_rate.get(rate, D(0)) + tax
                shipping_tax += tax
        shipping_lines.append(
            {"id": spec.order_id * 10 + 9, "carrier_identifier": None, "code": title,
             "discounted_price": text(shipping_total * money.rate),
             "discounted_price_set": money.set(shipping_total), "is_removed": False,
             "phone": None, **money.pair("price", shipping_total), "requested_fulfillment_service_id": None,
             "source": "shopify", "title": title, "tax_lines": tax_lines,
             "discount_allocations": []}
        )  # fmt: skip
    goods = sum((D(i.price) * i.quantity for i in items if not i.tip), D(0))
    tip = sum((D(i.price) * i.quantity for i in items if i.tip), D(0))
    duties = sum((D(i.duty) for i in items if i.duty), D(0))
    line_discounts = sum((d for d, i in zip(discounts, items, strict=True) if not i.tip), D(0))
    subtotal = goods - line_discounts
    tax_total = sum(taxes_by_rate.values(), D(0))
    total = subtotal + shipping_total + duties + tip + (0 if spec.taxes_included else tax_total)
    order = {
        "id": spec.order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{spec.order_id}",
        "name": spec.name,
        "order_number": int("".join(ch for ch in spec.name if ch.isdigit())),
        "number": int("".join(ch for ch in spec.name if ch.isdigit())) - 1000,
        "email": spec.email,
        "contact_email": spec.email,
        "phone": None,
        "created_at": spec.created,
        "processed_at": spec.created,
        "updated_at": spec.created,
        "cancelled_at": None,
        "cancel_reason": None,
        "closed_at": None,
        "confirmed": True,
        "currency": "SEK",
        "presentment_currency": spec.presentment,
        "taxes_included": spec.taxes_included,
        "tax_exempt": spec.tax_exempt,
        "estimated_taxes": False,
        "duties_included": False,
        "financial_status": "paid",
        "fulfillment_status": None,
        "source_name": "web",
        "payment_gateway_names": ["shopify_payments"],
        "test": False,
        "note": None,
        "tags": "webshop",
        "note_attributes": spec.note_attributes,
        "company": None,
        "customer_locale": "sv-SE",
        **money.pair("total_line_items_price", goods),
        **money.pair("total_discounts", line_discounts),
        **money.pair("subtotal_price", subtotal),
        **money.pair("total_tax", tax_total),
        **money.pair("total_price", total),
        **money.pair("current_subtotal_price", subtotal),
        **money.pair("current_total_discounts", line_discounts),
        **money.pair("current_total_tax", tax_total),
        **money.pair("current_total_price", total),
        **money.pair("total_tip_received", tip),
        "total_shipping_price_set": money.set(shipping_total),
        "total_outstanding": "0.00",
        "current_total_duties_set": money.set(duties) if duties else None,
        "original_total_duties_set": money.set(duties) if duties else None,
        "tax_lines": [
            _tax_line(money, rate, amount, spec.tax_title)
            for rate, amount in sorted(taxes_by_rate.items(), reverse=True)
        ],
        "discount_codes": (
            [
                {
                    "code": spec.code[0],
                    "amount": text(
                        sum(discounts[i] for i, it in enumerate(items) if not it.discount_percent)
                        * money.rate
                    ),
                    "type": spec.code[1],
                }
            ]
            if spec.code
            else []
        ),  # fmt: skip
        "discount_applications": applications,
        "customer": spec.customer,
        "billing_address": spec.billing,
        "shipping_address": spec.billing,
        "line_items": line_items,
        "shipping_lines": shipping_lines,
        "refunds": [],
        "fulfillments": [],
    }
    return order


def _shipping_parts(spec: Spec, amount: Decimal, line_net: dict[str, Decimal]):
    """[(rate, part)]: all at one rate, or split by the goods' net value per rate."""
    if not spec.shipping_split:
        return [(spec.shipping_rate, amount)]
    rates = sorted(line_net, reverse=True)
    base = sum(line_net.values(), D(0))
    parts = [r2(amount * line_net[rate] / base) for rate in rates[:-1]]
    parts.append(amount - sum(parts, D(0)))
    return list(zip(rates, parts, strict=True))


def _line_item(spec, money, index, item, discount, tax_lines, applications) -> dict[str, Any]:
    line_id = spec.order_id * 10 + index
    product = 8841230000000 + spec.order_id % 1000 * 10 + index if item.product else None
    allocations = []
    if discount:
        application = 0 if item.discount_percent else len(applications) - 1
        allocations.append(
            {**money.pair("amount", discount), "discount_application_index": application}
        )
    entry = {
        "id": line_id,
        "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}",
        "product_id": product,
        "variant_id": product + 1000000 if product else None,
        "product_exists": bool(product),
        "sku": item.sku or None,
        "title": item.title,
        "variant_title": item.variant or None,
        "name": f"{item.title} - {item.variant}" if item.variant else item.title,
        "vendor": "Nordisk Form" if product else None,
        "quantity": item.quantity,
        "current_quantity": item.quantity,
        "fulfillable_quantity": item.quantity,
        **money.pair("price", D(item.price)),
        **money.pair("total_discount", discount),
        "taxable": bool(tax_lines),
        "gift_card": False,
        "requires_shipping": item.requires_shipping and not item.tip,
        "properties": [],
        "tax_lines": tax_lines,
        "discount_allocations": allocations,
        "duties": [],
    }
    if item.tip:
        entry["tip_payment_gateway"] = "shopify_payments"
        entry["tip_payment_method"] = "card"
    if item.duty:
        twin = money.set(D(item.duty))
        entry["duties"].append(
            {"id": str(line_id), "harmonized_system_code": "611020",
             "country_code_of_origin": "SE", **twin, "tax_lines": [],
             "admin_graphql_api_id": f"gid://shopify/Duty/{line_id}"}
        )  # fmt: skip
    return entry


def person(first, last, email, address1, zip_code, city, country, code, cid, company=None):
    address = {
        "first_name": first, "last_name": last, "name": f"{first} {last}", "company": company,
        "address1": address1, "address2": "", "city": city, "zip": zip_code, "province": None,
        "province_code": None, "country": country, "country_code": code, "phone": None,
        "latitude": None, "longitude": None,
    }  # fmt: skip
    customer = None
    if cid:
        customer = {
            "id": cid, "admin_graphql_api_id": f"gid://shopify/Customer/{cid}", "email": email,
            "first_name": first, "last_name": last, "phone": None, "tags": "", "note": None,
            "tax_exempt": False, "currency": "SEK", "default_address": address,
        }  # fmt: skip
    return customer, address


SPECS: list[Spec] = []


def spec(file, order_id, name, who, items, **extra) -> None:
    customer, billing = person(*who)
    SPECS.append(Spec(file, order_id, name, "2025-03-20T11:05:00+01:00", customer, billing, items,
                      email=who[2], **extra))  # fmt: skip


LIISA = ("Liisa", "Virtanen", "liisa.virtanen@example.fi", "Mannerheimintie 12 B 7", "00100",
         "Helsinki", "Finland", "FI", 7712340000061)  # fmt: skip
spec("presentment_eur_finland", 6120450000061, "#1061", LIISA,
     [Item("Ullmössa", "34.95", 2, sku="NF-MOS-GRA", variant="Grå"),
      Item("Halsduk Merino", "59.90", sku="NF-HAL-MAR", variant="Marinblå"),
      Item("Vantar Lovikka", "27.45", sku="NF-VAN-LOV", variant="Vit")],
     shipping=("PostNord Finland", "12.95"), presentment="EUR", rate="11.4731")  # fmt: skip

ROGER = ("Roger", "Keller", "roger.keller@example.ch", "Bahnhofstrasse 21", "8001", "Zürich",
         "Switzerland", "CH", 7712340000062)  # fmt: skip
spec("duties_switzerland", 6120450000062, "#1062", ROGER,
     [Item("Ullkofta Fjäll", "1290.00", sku="NF-KOF-FJA", variant="L", rate="", duty="96.75"),
      Item("Ullmössa", "349.00", sku="NF-MOS-GRA", variant="Grå", rate="", duty="31.19")],
     shipping=("DHL Express", "249.00"), shipping_rate="", tax_exempt=True)  # fmt: skip

ERIK = ("Erik", "Sandberg", "erik.sandberg@example.se", "Götgatan 14", "118 46", "Stockholm",
        "Sweden", "SE", 7712340000063)  # fmt: skip
spec("tip", 6120450000063, "#1063", ERIK,
     [Item("Kaffe Mellanrost 500 g", "119.00", 2, rate="0.12", sku="NF-KAF-MEL"),
      Item("Tip", "50.00", rate="", tip=True, product=False)],
     shipping=("PostNord Ombud", "49.00"), shipping_rate="0.12")  # fmt: skip

MAJA = ("Maja", "Ek", "maja.ek@example.se", "Kungsgatan 5", "411 19", "Göteborg", "Sweden", "SE",
        7712340000064)  # fmt: skip
spec("shipping_vat_12", 6120450000064, "#1064", MAJA,
     [Item("Kaffe Mellanrost 500 g", "119.00", 3, rate="0.12", sku="NF-KAF-MEL"),
      Item("Te Earl Grey 100 g", "79.00", rate="0.12", sku="NF-TE-EG")],
     shipping=("PostNord Ombud", "59.00"), shipping_rate="0.12")  # fmt: skip

OLLE = ("Olle", "Berg", "olle.berg@example.se", "Storgatan 3", "903 26", "Umeå", "Sweden", "SE",
        7712340000065)  # fmt: skip
spec("shipping_split_25_12", 6120450000065, "#1065", OLLE,
     [Item("T-shirt Ekologisk bomull", "249.00", 2, sku="NF-TS-EKO-M", variant="M"),
      Item("Kaffe Mellanrost 500 g", "119.00", 3, rate="0.12", sku="NF-KAF-MEL")],
     shipping=("PostNord MyPack Home", "79.00"), shipping_split=True)  # fmt: skip

SARA = ("Sara", "Nyström", "sara.nystrom@example.se", "Drottninggatan 60", "252 21",
        "Helsingborg", "Sweden", "SE", 7712340000066)  # fmt: skip
spec("free_line_and_zero_price", 6120450000066, "#1066", SARA,
     [Item("Halsduk Merino", "599.00", sku="NF-HAL-MAR", variant="Marinblå",
           discount_percent="100"),
      Item("Tygpåse Nordisk Form", "0.00", sku="NF-PASE"),
      Item("Ullmössa", "349.00", sku="NF-MOS-GRA", variant="Grå")],
     shipping=("PostNord MyPack Collect", "59.00"))  # fmt: skip

KARL = ("Karl", "Lund", "karl.lund@example.se", "Vasagatan 8", "753 20", "Uppsala", "Sweden", "SE",
        7712340000067)  # fmt: skip
spec("quantity_1000", 6120450000067, "#1067", KARL,
     [Item("Klistermärke Nordisk Form", "0.33", 1000, sku="NF-KLI"),
      Item("Vykort Fjäll", "0.33", 7, sku="NF-VYK", discount_percent="10")],
     shipping=("PostNord Brev", "29.00"))  # fmt: skip

JONAS = ("Jonas", "Schmidt", "jonas.schmidt@example.de", "Bergmannstraße 102", "10961", "Berlin",
         "Germany", "DE", 7712340000068)  # fmt: skip
spec("oss_germany_19", 6120450000068, "#1068", JONAS,
     [Item("Ullmössa", "34.95", 2, rate="0.19", sku="NF-MOS-GRA", variant="Grå"),
      Item("Kochbuch Nordisch", "24.90", rate="0.07", sku="NF-BOK-DE")],
     shipping=("DHL Paket", "9.95"), shipping_rate="0.19", presentment="EUR", rate="11.4731",
     tax_title="MwSt")  # fmt: skip

LENA = ("Lena", "Åberg", "lena.aberg@example.se", "Hamngatan 2", "111 47", "Stockholm", "Sweden",
        "SE", 7712340000069)  # fmt: skip
spec("fixed_code_25_12_6", 6120450000069, "#1069", LENA,
     [Item("T-shirt Ekologisk bomull", "249.00", 3, sku="NF-TS-EKO-M", variant="M"),
      Item("Kaffe Mellanrost 500 g", "119.00", 2, rate="0.12", sku="NF-KAF-MEL"),
      Item("Kokbok Nordiskt vardagsmat", "318.00", rate="0.06", sku="NF-BOK-NVM"),
      Item("E-bok Nordiskt vardagsmat", "149.00", rate="0.06", sku="NF-EBOK-NVM",
           requires_shipping=False)],
     shipping=("PostNord MyPack Home", "79.00"), shipping_split=True,
     code=("SOMMAR100", "fixed_amount", "100.00"))  # fmt: skip

BYGG = ("Karin", "Bergström", "inkop@bergstrombygg.example.se", "Industrivägen 7", "721 30",
        "Västerås", "Sweden", "SE", 7712340000070, "Bergström Bygg AB")  # fmt: skip
spec("tax_exclusive_percent_code", 6120450000070, "#1070", BYGG,
     [Item("Arbetshandskar Ull", "89.90", 12, sku="NF-HAN-ULL"),
      Item("Mössa Reflex", "129.00", 6, sku="NF-MOS-REF"),
      Item("Termos 1 l", "349.00", 3, sku="NF-TER-1L")],
     shipping=("DB Schenker", "195.00"), taxes_included=False,
     code=("BYGG15", "percentage", "15.0"),
     note_attributes=[{"name": "organisation_number", "value": "556677-8899"},
                      {"name": "vat_number", "value": "SE556677889901"}])  # fmt: skip

SPECS.append(Spec(
    "guest_without_email", 6120450000071, "#1071", "2025-03-20T11:05:00+01:00", None,
    person("Nils", "Holm", None, "Byvägen 3", "762 91", "Rimbo", "Sweden", "SE", None)[1],
    [Item("Ullmössa", "349.00", sku="NF-MOS-GRA", variant="Grå")],
    shipping=("PostNord MyPack Collect", "59.00"),
))  # fmt: skip

LONG = ("Maria-Katarina Charlotta", "von Essen-Gyllenstierna af Wetterstedt",
        "maria.vonessen@example.se",
        "c/o Gyllenstierna, Strandvägen 7A, 4 tr, lägenhet 1402, ingång från gården", "114 56 STHLM",
        "Stockholm", "Sweden", "SE", 7712340000072,
        "Nordiska Textil- och Inredningsaktiebolaget Gyllenstierna & Wetterstedt i Stockholm")  # fmt: skip
spec("long_names", 6120450001215, "#NORDISKFORM-WEBBUTIK-STHLM-1215", LONG,
     [Item("Pläd i ekologisk merinoull med handvävd kant, tillverkad i Västergötland av "
           "småskaliga väverier med lång tradition; varje pläd är unik och kan variera något i "
           "färg och mönster jämfört med bilden", "1495.00", sku="NF-PLA-MER",
           variant="Skogsgrön med naturvit kant, 130 x 180 cm, inklusive presentförpackning i "
                   "återvunnen kartong och handskrivet kort")],
     shipping=("PostNord MyPack Home", "79.00"))  # fmt: skip

PER = ("Per", "Ståhl", "per.stahl@example.se", "Linnégatan 9", "413 04", "Göteborg", "Sweden",
       "SE", 7712340000073)  # fmt: skip
spec("rounding_913_50", 6120450000073, "#1073", PER,
     [Item("Halsduk Merino", "599.00", sku="NF-HAL-MAR", variant="Marinblå"),
      Item("Vantar Lovikka", "255.50", sku="NF-VAN-LOV", variant="Vit")],
     shipping=("PostNord MyPack Collect", "59.00"))  # fmt: skip


def main() -> None:
    for item in SPECS:
        path = SCENARIOS / f"{item.file}.json"
        path.write_text(json.dumps(build(item), indent=2, ensure_ascii=False) + "\n")
        print(path.name)


if __name__ == "__main__":
    main()
