from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

import shopify_app
from integrations.documents import (
    CENT,
    Address,
    Customer,
    CustomerKind,
    Line,
    LineKind,
    SalesDocument,
    Totals,
)
from shopify_app.mappers import (
    OrderMappingOptions,
    order_to_document,
    parse_order_payload,
    webhook_order_id,
)

SCENARIOS = Path(shopify_app.__file__).parent / "sandbox" / "scenarios"
SCENARIO_NAMES = sorted(path.stem for path in SCENARIOS.glob("*.json"))
# Webhook bodies in Shopify's REST shape that no sandbox scenario covers.
FIXTURES = Path(__file__).parent / "fixtures"
D = Decimal
# What the sandbox and the mapper rely on in a scenario file.
_REQUIRED = (
    "id admin_graphql_api_id name order_number email created_at processed_at updated_at "
    "currency presentment_currency taxes_included financial_status fulfillment_status "
    "customer billing_address shipping_address line_items shipping_lines discount_codes "
    "discount_applications tax_lines note tags note_attributes total_tip_received "
    "total_shipping_price_set"
)
REQUIRED_ORDER_FIELDS = frozenset(_REQUIRED.split())
MONEY_FIELDS = (
    "total_price",
    "subtotal_price",
    "total_tax",
    "total_discounts",
    "total_line_items_price",
    "current_total_price",
    "current_total_tax",
)


def scenario(name: str) -> dict[str, Any]:
    return json.loads((SCENARIOS / f"{name}.json").read_text())


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def round_half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fortnox_row(line: Line, *, vat_included: bool) -> tuple[Decimal, Decimal]:
    """(net, VAT) of one row as Fortnox computes it from Price, DeliveredQuantity, an
    AMOUNT Discount and VAT."""
    amount = round_half_up(line.quantity * line.unit_price - line.discount)
    rate = line.vat_rate
    if vat_included:
        vat = round_half_up(amount * rate / (100 + rate))
        return amount - vat, vat
    return amount, round_half_up(amount * rate / 100)


def fortnox_totals(document: SalesDocument) -> Totals:
    rows = [fortnox_row(line, vat_included=document.prices_include_vat) for line in document.lines]
    vat = sum((row_vat for _, row_vat in rows), Decimal("0.00"))
    net = sum((row_net for row_net, _ in rows), Decimal("0.00"))
    return Totals(total=net + vat, vat=vat)


def shopify_totals(order: dict[str, Any], basis: str) -> Totals:
    """Shopify's own current totals on one basis, straight from the file."""
    return Totals(
        total=D(order["current_total_price_set"][f"{basis}_money"]["amount"]),
        vat=D(order["current_total_tax_set"][f"{basis}_money"]["amount"]),
    )


# --- every scenario: Fortnox arrives at Shopify's totals --------------------------------


# Buyers paying another currency, whose shop-money fields Shopify converted one by one
# (as it does): those fields need not add up, which is why the buyer's currency is the
# default.
CONVERTED_FIELD_BY_FIELD = {"presentment_eur_finland", "oss_germany_19"}


@pytest.mark.parametrize("basis", ["presentment", "shop"])
@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_fortnox_computes_shopify_totals_for_every_scenario(name: str, basis: str) -> None:
    order = scenario(name)
    document = order_to_document(order, options=OrderMappingOptions(currency_basis=basis))

    assert document.totals == shopify_totals(order, basis)
    if basis == "shop" and name in CONVERTED_FIELD_BY_FIELD:
        assert fortnox_totals(document) != document.totals
        return
    assert fortnox_totals(document) == document.totals
    assert sum(line.vat_amount for line in document.lines) == document.totals.vat


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_fortnox_row_vat_equals_shopify_line_tax_in_every_scenario(name: str) -> None:
    document = order_to_document(scenario(name))

    for line in document.lines:
        _, row_vat = fortnox_row(line, vat_included=document.prices_include_vat)
        assert row_vat == line.vat_amount, line.description


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_scenario_files_are_complete_order_bodies(name: str) -> None:
    order = scenario(name)

    assert sorted(REQUIRED_ORDER_FIELDS - order.keys()) == []
    for field in MONEY_FIELDS:
        assert order[field] == order[f"{field}_set"]["shop_money"]["amount"]
    tips = [item for item in order["line_items"] if item.get("tip_payment_gateway")]
    assert D(order["total_tip_received"]) == sum((D(item["price"]) for item in tips), D(0))
    assert parse_order_payload(json.dumps(order)) == order


# --- exact documents --------------------------------------------------------------------


def test_single_rate_order_maps_to_exact_document() -> None:
    order = scenario("single_vat_25")

    document = order_to_document(order)

    anna = Address(
        name="Anna Lindqvist",
        line1="Sveavägen 44",
        zip_code="113 59",
        city="Stockholm",
        country_code="SE",
        phone="+46701234567",
    )
    assert document == SalesDocument(
        source="shopify",
        source_id="6120450000041",
        number="#1041",
        issued_on=date(2025, 3, 14),
        currency="SEK",
        prices_include_vat=True,
        customer=Customer(
            source_id="7712340000001",
            kind=CustomerKind.PRIVATE,
            name="Anna Lindqvist",
            email="anna.lindqvist@example.se",
            phone="+46701234567",
            billing=anna,
            delivery=None,
        ),
        lines=(
            Line(
                kind=LineKind.PRODUCT,
                description="Ullmössa - Grå",
                quantity=D("2"),
                unit_price=D("349.00"),
                vat_rate=D("25"),
                discount=D("0.00"),
                vat_amount=D("139.60"),
                sku="NF-MOS-GRA",
                product_id="8841230000101",
                variant_id="46700000000101",
                source_line_id="15730000000411",
            ),
            Line(
                kind=LineKind.PRODUCT,
                description="Halsduk Merino - Marinblå",
                quantity=D("1"),
                unit_price=D("599.00"),
                vat_rate=D("25"),
                vat_amount=D("119.80"),
                sku="NF-HAL-MAR",
                product_id="8841230000102",
                variant_id="46700000000102",
                source_line_id="15730000000412",
            ),
            Line(
                kind=LineKind.SHIPPING,
                description="PostNord MyPack Collect",
                quantity=D("1"),
                unit_price=D("59.00"),
                vat_rate=D("25"),
                vat_amount=D("11.80"),
                source_line_id="4980000000041",
            ),
        ),
        totals=Totals(total=D("1356.00"), vat=D("271.20")),
        currency_rate=None,
        short_number="1041",
        warnings=(),
    )
    assert document.context == {"order": order, "customer": order["customer"]}


def test_order_discount_is_taken_from_allocations_once_per_line() -> None:
    order = scenario("order_discount_two_lines")
    # The file also fills the legacy total_discount with the same amounts.
    assert order["line_items"][0]["total_discount"] == "49.80"

    document = order_to_document(order)

    assert [
        (line.description, line.discount, line.vat_rate, line.vat_amount) for line in document.lines
    ] == [
        ("T-shirt Ekologisk bomull - M", D("49.80"), D("25"), D("89.64")),
        ("Kaffe Mellanrost 500 g", D("26.97"), D("12"), D("26.01")),
        ("PostNord Ombud", D("0.00"), D("25"), D("9.80")),
    ]


def test_mixed_rates_become_percent_rates_per_line() -> None:
    document = order_to_document(scenario("mixed_vat_25_12_6"))

    assert [(line.vat_rate, line.vat_amount) for line in document.lines] == [
        (D("6"), D("10.70")),
        (D("12"), D("19.26")),
        (D("25"), D("49.80")),
        (D("25"), D("9.80")),
    ]


def test_line_discount_stays_on_its_line() -> None:
    document = order_to_document(scenario("line_discount"))

    assert [line.discount for line in document.lines] == [D("259.80"), D("0.00"), D("0.00")]


def test_free_shipping_code_discounts_the_shipping_line_to_zero() -> None:
    document = order_to_document(scenario("free_shipping_code"))

    (shipping,) = document.lines_of(LineKind.SHIPPING)
    assert (shipping.unit_price, shipping.discount, shipping.amount) == (
        D("79.00"),
        D("79.00"),
        D("0.00"),
    )
    assert (shipping.vat_rate, shipping.vat_amount) == (D("25"), D("0.00"))


def test_rounding_scenario_keeps_shopify_half_up_amounts() -> None:
    document = order_to_document(scenario("rounding_quantities"))

    assert not document.prices_include_vat
    assert [
        (line.quantity, line.unit_price, line.discount, line.vat_amount) for line in document.lines
    ] == [
        (D("3"), D("33.33"), D("0.00"), D("25.00")),
        (D("7"), D("19.99"), D("0.00"), D("16.79")),
        (D("3"), D("24.90"), D("11.21"), D("15.87")),
        (D("2"), D("45.01"), D("0.00"), D("22.51")),
        (D("1"), D("10.25"), D("0.00"), D("0.62")),
        (D("1"), D("39.00"), D("0.00"), D("9.75")),
    ]


def test_gift_card_line_has_its_own_kind_and_no_vat() -> None:
    document = order_to_document(scenario("gift_card"))

    (gift_card,) = document.lines_of(LineKind.GIFT_CARD)
    assert gift_card.description == "Presentkort - 500 kr"
    assert (gift_card.unit_price, gift_card.vat_rate, gift_card.vat_amount) == (
        D("500.00"),
        D("0"),
        D("0.00"),
    )
    assert len(document.lines_of(LineKind.PRODUCT)) == 1


# --- customers --------------------------------------------------------------------------


def test_swedish_company_with_tax_exclusive_prices_gets_numbers_from_note_attributes() -> None:
    document = order_to_document(scenario("tax_exclusive_prices"))

    assert document.prices_include_vat is False
    assert document.customer == Customer(
        source_id="7712340000006",
        kind=CustomerKind.COMPANY,
        name="Bergström Bygg AB",
        email="inkop@bergstrombygg.example.se",
        phone="+4621123450",
        organisation_number="556677-8899",
        vat_number="SE556677889901",
        billing=Address(
            name="Karin Bergström",
            company="Bergström Bygg AB",
            line1="Industrivägen 7",
            zip_code="721 30",
            city="Västerås",
            country_code="SE",
            phone="+4621123450",
        ),
        delivery=Address(
            name="Karin Bergström",
            company="Bergström Bygg AB",
            line1="Byggarbetsplats Kopparlunden",
            line2="Port 4",
            zip_code="721 33",
            city="Västerås",
            country_code="SE",
            phone="+46701112233",
        ),
    )


def test_eu_business_is_a_company_with_vat_number_and_no_vat_on_any_line() -> None:
    document = order_to_document(scenario("eu_business_vat_number"))

    customer = document.customer
    assert (customer.kind, customer.name, customer.vat_number, customer.country_code) == (
        CustomerKind.COMPANY,
        "Müller Werkzeuge GmbH",
        "DE811234567",
        "DE",
    )
    assert {(line.vat_rate, line.vat_amount) for line in document.lines} == {(D("0"), D("0.00"))}


def test_b2b_company_object_makes_a_company_and_can_carry_the_vat_number() -> None:
    order = scenario("eu_business_vat_number")
    order["note_attributes"] = []
    order["billing_address"]["company"] = None
    order["company"] = {
        "id": 3312340001,
        "name": "Müller Werkzeuge GmbH",
        "tax_registration_id": "de 811 234 567",
    }

    customer = order_to_document(order).customer

    assert (customer.kind, customer.name, customer.vat_number) == (
        CustomerKind.COMPANY,
        "Müller Werkzeuge GmbH",
        "DE811234567",
    )


def test_export_consumer_is_private_with_upper_case_country_and_no_vat() -> None:
    order = scenario("export_customer")
    order["billing_address"]["country_code"] = "no"
    order["shipping_address"]["country_code"] = "no"

    document = order_to_document(order)

    assert (document.customer.kind, document.customer.country_code) == (CustomerKind.PRIVATE, "NO")
    assert document.customer.delivery is None
    assert document.totals.vat == D("0.00")
    assert {line.vat_rate for line in document.lines} == {D("0")}


def test_guest_checkout_customer_comes_from_addresses_and_email() -> None:
    document = order_to_document(scenario("guest_checkout"))

    customer = document.customer
    assert (customer.source_id, customer.kind, customer.name, customer.email, customer.phone) == (
        "",
        CustomerKind.PRIVATE,
        "Elin Holm",
        "elin.holm@example.se",
        "+46761234567",
    )
    assert customer.delivery == Address(
        name="Gustav Holm",
        line1="Hornsgatan 50",
        line2="lgh 1102",
        zip_code="118 21",
        city="Stockholm",
        country_code="SE",
    )
    assert document.context["customer"] == {}


def test_guest_checkout_without_addresses_is_named_by_email() -> None:
    order = scenario("guest_checkout")
    order["billing_address"] = None
    order["shipping_address"] = None

    customer = order_to_document(order).customer

    assert (customer.name, customer.billing, customer.delivery) == (
        "elin.holm@example.se",
        Address(),
        None,
    )


def test_billing_address_falls_back_to_shipping_address() -> None:
    order = scenario("guest_checkout")
    order["billing_address"] = None

    customer = order_to_document(order).customer

    assert (customer.name, customer.billing.city, customer.delivery) == (
        "Gustav Holm",
        "Stockholm",
        None,
    )


# --- currencies -------------------------------------------------------------------------


def test_presentment_basis_invoices_in_the_buyers_currency_with_shopifys_rate() -> None:
    document = order_to_document(scenario("presentment_eur"))

    assert (document.currency, document.currency_rate) == ("EUR", D("11.470089"))
    assert document.totals == Totals(total=D("110.66"), vat=D("22.13"))
    assert [(line.unit_price, line.discount, line.vat_amount) for line in document.lines] == [
        (D("29.95"), D("5.99"), D("10.78")),
        (D("52.00"), D("5.20"), D("9.36")),
        (D("9.95"), D("0.00"), D("1.99")),
    ]


def test_shop_basis_invoices_in_sek_without_a_rate() -> None:
    options = OrderMappingOptions(currency_basis="shop")

    document = order_to_document(scenario("presentment_eur"), options=options)

    assert (document.currency, document.currency_rate) == ("SEK", None)
    assert document.totals == Totals(total=D("1269.28"), vat=D("253.86"))
    assert document.lines[0].unit_price == D("343.53")


def test_presentment_basis_refuses_shop_money_when_a_twin_is_missing() -> None:
    order = scenario("presentment_eur")
    del order["line_items"][0]["price_set"]

    with pytest.raises(ValueError, match="price has no presentment_money"):
        order_to_document(order)


def test_plain_fields_are_used_when_twins_are_missing_in_a_single_currency_order() -> None:
    order = scenario("single_vat_25")
    for item in order["line_items"]:
        del item["price_set"]
        for tax in item["tax_lines"]:
            del tax["price_set"]

    document = order_to_document(order)

    assert fortnox_totals(document) == Totals(total=D("1356.00"), vat=D("271.20"))


def test_eur_shop_order_without_customer_has_no_rate() -> None:
    document = order_to_document(fixture("order_create__eur_shop_tax_exclusive_no_customer"))

    assert (document.currency, document.currency_rate) == ("EUR", None)
    assert [(line.vat_rate, line.vat_amount) for line in document.lines] == [
        (D("6"), D("2.27")),
        (D("21"), D("5.12")),
        (D("21"), D("1.46")),
    ]
    # 2 x 18.95 + 24.40 + 6.95 shipping = 69.25 net, plus 8.85 VAT.
    assert document.totals == Totals(total=D("78.10"), vat=D("8.85"))
    assert fortnox_totals(document) == document.totals
    customer = document.customer
    assert (customer.source_id, customer.kind, customer.name, customer.country_code) == (
        "",
        CustomerKind.PRIVATE,
        "Lotte Peeters",
        "BE",
    )


# --- edits, removals, tips, taxes -------------------------------------------------------


def test_edited_order_leaves_out_removed_line_and_uses_current_totals() -> None:
    document = order_to_document(scenario("edited_order_removed_line"))

    assert [line.description for line in document.lines] == [
        "Ullmössa - Grå",
        "PostNord MyPack Collect",
    ]
    assert document.totals == Totals(total=D("408.00"), vat=D("81.60"))


def test_original_quantities_give_the_original_order() -> None:
    options = OrderMappingOptions(use_current_quantities=False)

    document = order_to_document(scenario("edited_order_removed_line"), options=options)

    assert len(document.lines) == 3
    assert document.totals == Totals(total=D("1007.00"), vat=D("201.40"))
    assert fortnox_totals(document) == document.totals


def test_reduced_quantity_prorates_discount_and_vat_and_warns() -> None:
    order = scenario("order_discount_two_lines")
    order["line_items"][1]["current_quantity"] = 2

    document = order_to_document(order)

    coffee = document.lines[1]
    assert (coffee.quantity, coffee.discount, coffee.vat_amount) == (D("2"), D("17.98"), D("17.34"))
    assert document.warnings == (
        "Line 'Kaffe Mellanrost 500 g' was reduced by an edit or refund; its discount and VAT "
        "were prorated from Shopify's amounts.",
    )


def test_removed_shipping_line_is_left_out() -> None:
    order = scenario("single_vat_25")
    removed = {**order["shipping_lines"][0], "id": 4980000000999, "is_removed": True}
    order["shipping_lines"].insert(0, removed)

    document = order_to_document(order)

    assert [line.source_line_id for line in document.lines_of(LineKind.SHIPPING)] == [
        "4980000000041"
    ]


def test_tip_line_item_is_a_tip_outside_vat_not_a_product() -> None:
    document = order_to_document(scenario("tip"))

    assert [
        (line.kind, line.description, line.amount, line.vat_rate) for line in document.lines
    ] == [
        (LineKind.PRODUCT, "Kaffe Mellanrost 500 g", D("238.00"), D("12")),
        (LineKind.TIP, "Tip", D("50.00"), D("0")),
        (LineKind.SHIPPING, "PostNord Ombud", D("49.00"), D("12")),
    ]
    assert document.warnings == ()
    assert fortnox_totals(document) == document.totals == Totals(D("337.00"), D("30.75"))


def test_tip_read_back_over_graphql_is_still_a_tip() -> None:
    """GraphQL's LineItem has no tip marker: a custom line titled Tip, without product or
    tax, on an order with a tip received, is the tip."""
    order = scenario("tip")
    for item in order["line_items"]:
        item.pop("tip_payment_gateway", None)
        item.pop("tip_payment_method", None)

    document = order_to_document(order)

    assert [line.kind for line in document.lines_of(LineKind.TIP)] == [LineKind.TIP]
    assert len(document.lines_of(LineKind.PRODUCT)) == 1


def test_tip_shopify_gives_only_as_a_total_becomes_a_tip_line() -> None:
    order = scenario("single_vat_25")
    order["total_tip_received"] = "20.00"

    document = order_to_document(order, options=OrderMappingOptions(currency_basis="shop"))

    assert document.lines_of(LineKind.TIP) == (
        Line(LineKind.TIP, "Tip", D("1"), D("20.00"), D("0")),
    )
    assert document.warnings == ()


def test_duties_are_one_line_without_vat_for_what_the_buyer_paid() -> None:
    document = order_to_document(scenario("duties_switzerland"))

    (duty,) = document.lines_of(LineKind.DUTY)
    assert duty == Line(LineKind.DUTY, "Tull (utlägg)", D("1"), D("127.94"), D("0"))
    assert fortnox_totals(document) == document.totals == Totals(D("2015.94"), D("0.00"))


def test_shipping_taxed_at_two_rates_is_one_line_per_rate_with_shopifys_tax() -> None:
    order = scenario("shipping_split_25_12")
    taxes = [(t["rate"], t["price"]) for t in order["shipping_lines"][0]["tax_lines"]]
    assert taxes == [(0.25, "8.78"), (0.12, "3.76")]

    document = order_to_document(order)

    assert [
        (line.description, line.unit_price, line.vat_rate, line.vat_amount)
        for line in document.lines_of(LineKind.SHIPPING)
    ] == [
        ("PostNord MyPack Home (25 %)", D("43.88"), D("25"), D("8.78")),
        ("PostNord MyPack Home (12 %)", D("35.12"), D("12"), D("3.76")),
    ]
    assert fortnox_totals(document) == document.totals


def test_stacked_taxes_on_shipping_stay_one_line() -> None:
    order = scenario("single_vat_25")
    order["shipping_lines"][0]["tax_lines"] = [
        {"title": "GST", "rate": 0.05, "price": "2.63"},
        {"title": "PST", "rate": 0.07, "price": "3.69"},
    ]

    document = order_to_document(order, options=OrderMappingOptions(currency_basis="shop"))

    (shipping,) = document.lines_of(LineKind.SHIPPING)
    assert (shipping.vat_rate, shipping.vat_amount) == (D("12"), D("6.32"))


def test_finnish_buyer_paying_eur_gets_a_eur_document_with_shopifys_rate() -> None:
    order = scenario("presentment_eur_finland")

    document = order_to_document(order)

    assert (document.currency, document.totals) == ("EUR", Totals(D("170.20"), D("34.04")))
    shop_total = D(order["total_price_set"]["shop_money"]["amount"])
    assert (document.currency_rate * document.totals.total).quantize(CENT) == shop_total
    assert document.customer.country_code == "FI"


def test_a_product_that_needs_no_shipping_is_marked_so() -> None:
    document = order_to_document(scenario("fixed_code_25_12_6"))

    assert [line.requires_shipping for line in document.lines_of(LineKind.PRODUCT)] == [
        True,
        True,
        True,
        False,
    ]


def test_a_name_too_long_for_fortnox_keeps_its_number_apart() -> None:
    order = scenario("long_names")
    del order["order_number"]  # a re-read order has only the name

    document = order_to_document(order)

    assert (document.number, document.short_number) == ("#NORDISKFORM-WEBBUTIK-STHLM-1215", "1215")


def test_several_tax_lines_on_a_line_add_up() -> None:
    order = scenario("single_vat_25")
    item = order["line_items"][1]
    item["tax_lines"] = [
        {"title": "GST", "rate": 0.05, "price": "26.74"},
        {"title": "PST", "rate": 0.07, "price": "37.44"},
    ]

    line = order_to_document(order, options=OrderMappingOptions(currency_basis="shop")).lines[1]

    assert (line.vat_rate, line.vat_amount) == (D("12"), D("64.18"))


def test_tax_exempt_order_has_no_vat_even_with_tax_lines() -> None:
    order = scenario("single_vat_25")
    order["tax_exempt"] = True

    document = order_to_document(order)

    assert {(line.vat_rate, line.vat_amount) for line in document.lines} == {(D("0"), D("0.00"))}


def test_issue_date_is_the_stockholm_date_of_processed_at() -> None:
    order = scenario("single_vat_25")
    order["processed_at"] = "2025-05-31T22:30:00Z"

    assert order_to_document(order).issued_on == date(2025, 6, 1)


def test_issue_date_falls_back_to_created_at() -> None:
    order = scenario("single_vat_25")
    order["processed_at"] = None

    assert order_to_document(order).issued_on == date(2025, 3, 14)


# --- payloads ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [{}, {"id": 1}, {"line_items": []}, {"id": 207119551, "email": "bob@example.com"}, []],
    ids=["empty", "no-line-items", "no-id", "customer", "list"],
)
def test_non_order_payload_is_refused(payload: Any) -> None:
    with pytest.raises(ValueError, match="order"):
        order_to_document(payload)


def test_parse_order_payload_accepts_bytes_text_and_the_rest_wrapper() -> None:
    order = scenario("single_vat_25")
    raw = json.dumps(order).encode()

    assert parse_order_payload(raw) == order
    assert parse_order_payload(raw.decode()) == order
    assert parse_order_payload({"order": order}) == order
    assert parse_order_payload(json.dumps({"order": order})) == order


def test_parse_order_payload_refuses_invalid_json_and_non_orders() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        parse_order_payload(b"{not json")
    with pytest.raises(ValueError, match="not an order"):
        parse_order_payload({"customer": {"id": 1}})


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"id": 6120450000041, "line_items": []}, "6120450000041"),
        ({"order": {"id": 450789469}}, "450789469"),
        ({"id": 509562969, "order_id": 450789469, "refund_line_items": []}, "450789469"),
        ({"id": "gid://shopify/Order/450789469"}, "450789469"),
    ],
    ids=["order", "wrapped", "refund", "graphql-id"],
)
def test_webhook_order_id(payload: dict[str, Any], expected: str) -> None:
    assert webhook_order_id(payload) == expected


def test_webhook_order_id_refuses_a_payload_without_id() -> None:
    with pytest.raises(ValueError, match="no order id"):
        webhook_order_id({"shop_domain": "nordisk-form.myshopify.com"})


def test_unknown_currency_basis_is_refused() -> None:
    with pytest.raises(ValueError, match="currency_basis"):
        OrderMappingOptions(currency_basis="buyer")  # type: ignore[arg-type]


def test_partially_refunded_order_leaves_out_the_refunded_line() -> None:
    order = fixture("order_partially_refunded__mixed_vat_discount")

    document = order_to_document(parse_order_payload({"order": order}))

    assert (document.source_key, document.number, document.currency) == (
        "shopify:sale:5523190000057",
        "#1057",
        "SEK",
    )
    # The cookbook (6 %) was refunded (current_quantity 0); coffee, board and shipping stay.
    assert [
        (line.source_line_id, line.vat_rate, line.discount, line.vat_amount)
        for line in document.lines
    ] == [
        ("14211000000571", D("12"), D("25.80"), D("24.88")),
        ("14211000000573", D("25"), D("44.90"), D("80.82")),
        ("4577000000057", D("25"), D("0.00"), D("13.80")),
    ]
    # 258.00 - 25.80 + 449.00 - 44.90 + 69.00, VAT included.
    assert document.totals == Totals(total=D("705.30"), vat=D("119.50"))
    assert fortnox_totals(document) == document.totals
    assert document.customer.billing.country_code == "SE"
