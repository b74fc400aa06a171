"""The pure deal mapper, on the fixture bundles: the exact canonical document."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hubspot_app.mappers import DealMappingError, DealMappingOptions, deal_to_document
from integrations.documents import Address, Customer, CustomerKind, Line, LineKind, Totals
from tests.hubspot_app.conftest import load_bundle

D = Decimal
OPTIONS = DealMappingOptions(document_type="invoice")


def test_percent_discount_is_on_the_whole_line_rounded_half_up():
    bundle = load_bundle("deal_won__percent_discount_half_up")
    doc = deal_to_document(bundle, options=OPTIONS)
    kaffe, bok = (item["id"] for item in bundle["line_items"])

    assert doc.lines == (
        Line(LineKind.PRODUCT, "Kaffebönor Etiopien 1 kg", D("7"), D("19.95"), D("12"),
             discount=D("17.46"), vat_amount=D("14.66"), sku="KAFFE-ETI", source_line_id=kaffe),
        Line(LineKind.PRODUCT, "Kokbok Fika", D("2"), D("89.50"), D("6"),
             vat_amount=D("10.74"), sku="BOK-FIKA", source_line_id=bok),
    )  # fmt: skip
    assert doc.totals == Totals(total=D("326.59"), vat=D("25.40"))
    assert (doc.currency, doc.prices_include_vat, doc.document_type) == ("SEK", False, "invoice")
    assert doc.warnings == ()


def test_deal_name_and_id_are_on_the_document():
    bundle = load_bundle("deal_won__no_line_items_deal_amount")
    deal_id = bundle["deal"]["id"]
    doc = deal_to_document(bundle, options=OPTIONS)

    name = "Rådgivning november, löpande enligt avtal med Konsultbolaget Norr"
    assert doc.source_key == f"hubspot:sale:{deal_id}"
    assert doc.remarks == f"HubSpot deal {deal_id}: {name}"  # whole
    assert doc.number == name[:29] + "…"  # YourOrderNumber holds 30
    assert doc.issued_on == date(2026, 11, 18)
    assert doc.lines == (
        Line(LineKind.PRODUCT, "Deal", D("1"), D("12500.00"), D("25"),
             vat_amount=D("3125.00"), sku="HUBSPOT-DEAL", vat_from_article=True),
    )  # fmt: skip


def test_company_is_the_primary_one_listed_twice_with_its_custom_number_properties():
    bundle = load_bundle("deal_won__eu_company_reverse_charge")
    company_id = bundle["companies"][0]["id"]
    doc = deal_to_document(bundle, options=OPTIONS)

    assert doc.customer == Customer(
        source_id=f"company:{company_id}",
        kind=CustomerKind.COMPANY,
        name="Müller Präzisionsteile GmbH",
        email="einkauf@mueller-praezision.de",
        vat_number="DE811569869",
        billing=Address(
            name="Müller Präzisionsteile GmbH",
            company="Müller Präzisionsteile GmbH",
            line1="Hafenstraße 3",
            zip_code="20457",
            city="Hamburg",
            country_code="DE",
        ),
    )
    assert doc.currency == "EUR"
    assert doc.totals == Totals(total=D("1250.00"), vat=D("0.00"))  # reverse charge


def test_property_names_for_organisation_and_vat_numbers_are_settings():
    bundle = load_bundle("deal_won__per_unit_discount_25")
    props = bundle["companies"][0]["properties"]
    props["orgnr"], props["org_number"] = "556000-0001", None
    options = DealMappingOptions(org_number_property="orgnr")

    assert deal_to_document(bundle, options=options).customer.organisation_number == "556000-0001"


def test_contact_is_the_customer_of_a_deal_without_company():
    bundle = load_bundle("deal_won__consumer_contact_only")
    doc = deal_to_document(bundle, options=OPTIONS)

    assert (doc.customer.kind, doc.customer.name, doc.customer.phone) == (
        CustomerKind.PRIVATE,
        "Karin Holm",
        "+46701234567",
    )
    assert doc.customer.billing.country_code == "SE"  # "Sverige"
    assert doc.customer.source_id.startswith("contact:")


@pytest.mark.parametrize(
    ("country", "code"),
    [("Sweden", "SE"), ("Sverige", "SE"), ("Norway", "NO"), ("Norge", "NO"),
     ("Deutschland", "DE"), ("germany ", "DE"), ("FI", "FI"), ("", "")],
)  # fmt: skip
def test_free_text_countries_become_iso_codes(country, code):
    bundle = load_bundle("deal_won__per_unit_discount_25")
    bundle["companies"][0]["properties"]["country"] = country

    assert deal_to_document(bundle, options=OPTIONS).customer.country_code == code


def test_an_unknown_country_is_an_error_naming_it():
    bundle = load_bundle("deal_won__per_unit_discount_25")
    bundle["companies"][0]["properties"]["country"] = "Atlantis"

    with pytest.raises(DealMappingError, match='country "Atlantis" of company'):
        deal_to_document(bundle, options=OPTIONS)


def test_prices_including_vat_take_the_vat_out_of_the_amount():
    bundle = load_bundle("deal_won__per_unit_discount_25")
    doc = deal_to_document(bundle, options=DealMappingOptions(prices_include_vat=True))

    assert doc.totals == Totals(total=D("3297.00"), vat=D("659.40"))


def test_row_without_hs_tax_rate_uses_the_default_and_asks_for_the_articles_rate():
    bundle = load_bundle("deal_won__per_unit_discount_25")
    bundle["line_items"][0]["properties"]["hs_tax_rate"] = None
    options = DealMappingOptions(default_vat_rate=D("12"))

    [line] = deal_to_document(bundle, options=options).lines
    assert (line.vat_rate, line.vat_amount, line.vat_from_article) == (D("12"), D("395.64"), True)


def test_a_line_item_in_another_currency_than_the_deal_is_an_error():
    bundle = load_bundle("deal_won__per_unit_discount_25")
    bundle["line_items"][0]["properties"]["hs_line_item_currency_code"] = "EUR"

    with pytest.raises(DealMappingError, match="is in EUR but the deal is in SEK"):
        deal_to_document(bundle, options=OPTIONS)


def test_deal_amount_other_than_the_line_items_is_a_warning():
    bundle = load_bundle("deal_won__per_unit_discount_25")
    bundle["deal"]["properties"]["amount"] = "3300"

    [warning] = deal_to_document(bundle, options=OPTIONS).warnings
    assert "3300.00 SEK differs from its line items' total 3297.00 SEK" in warning
