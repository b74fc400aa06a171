"""Customers, articles and prices: envelopes, numbering, search, paging and errors."""

from __future__ import annotations

import requests


def test_customer_create_is_201_with_string_number_and_real_defaults(api):
    status, body = api.post("customers", {"Customer": {"Name": "Acme AB", "CountryCode": "SE"}})

    customer = body["Customer"]
    assert status == 201
    assert customer["CustomerNumber"] == "1"
    assert customer["@url"] == "https://api.fortnox.se/3/customers/1"
    assert (customer["Type"], customer["VATType"], customer["Currency"]) == (
        "COMPANY",
        "SEVAT",
        "SEK",
    )
    assert customer["PriceList"] == "A" and customer["Active"] is True
    assert customer["Country"] == "Sverige"
    assert customer["DefaultDeliveryTypes"]["Invoice"] == "PRINT"


def test_customers_are_numbered_in_sequence(api):
    numbers = [api.post("customers", {"Customer": {"Name": f"K{i}"}})[1] for i in range(3)]
    assert [n["Customer"]["CustomerNumber"] for n in numbers] == ["1", "2", "3"]


def test_customer_name_is_required(api):
    status, body = api.post("customers", {"Customer": {"Email": "a@b.se"}})
    assert status == 400
    assert body["ErrorInformation"]["error"] == 1
    assert "Name" in body["ErrorInformation"]["message"]


def test_unknown_and_read_only_fields_are_2001399(api):
    assert api.post("customers", {"Customer": {"Name": "A", "Nickname": "x"}})[1] == {
        "ErrorInformation": {"error": 1, "message": "Ogiltigt fältnamn: Nickname", "code": 2001399}
    }
    status, body = api.post("customers", {"Customer": {"Name": "A", "Country": "Sverige"}})
    assert (status, body["ErrorInformation"]["code"]) == (400, 2001399)


def test_bad_json_is_2002115(fortnox_sandbox, fortnox_tokens):
    response = requests.post(
        "https://api.fortnox.se/3/customers",
        data=b'{"Customer": {',
        headers={
            "Authorization": f"Bearer {fortnox_tokens['access_token']}",
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 400
    assert response.json()["ErrorInformation"]["code"] == 2002115


def test_customer_number_already_used_even_after_delete(api):
    api.post("customers", {"Customer": {"Name": "A", "CustomerNumber": "K-1"}})
    status, _ = api.call("DELETE", "customers/K-1")
    again = api.post("customers", {"Customer": {"Name": "B", "CustomerNumber": "K-1"}})
    assert status == 204
    assert again[0] == 400
    assert again[1]["ErrorInformation"]["code"] == 2000637


def test_field_lengths_and_country_code(api):
    long_zip = api.post("customers", {"Customer": {"Name": "A", "ZipCode": "12345678901"}})
    bad_country = api.post("customers", {"Customer": {"Name": "A", "CountryCode": "SWE"}})
    assert long_zip[0] == 400 and bad_country[0] == 400


def test_missing_customer_is_404_with_capitalised_error(api):
    status, body = api.get("customers/999")
    assert status == 404
    assert body == {
        "ErrorInformation": {"Error": 1, "Message": "Kan inte hitta kunden.", "Code": 2000433}
    }


def test_search_is_case_insensitive_substring(api):
    for name, email in [("Alfa", "info@alfa.se"), ("Beta", "INFO@beta.se"), ("Gamma", "x@y.se")]:
        api.post("customers", {"Customer": {"Name": name, "Email": email}})

    status, body = api.get("customers", email="info@")

    assert status == 200
    assert [c["Name"] for c in body["Customers"]] == ["Alfa", "Beta"]
    assert set(body["Customers"][0]) == {
        "@url",
        "Address1",
        "Address2",
        "City",
        "CustomerNumber",
        "Email",
        "Name",
        "OrganisationNumber",
        "Phone",
        "ZipCode",
    }


def test_paging_meta_information(api):
    for i in range(5):
        api.post("customers", {"Customer": {"Name": f"K{i}"}})

    _, page2 = api.get("customers", limit="2", page="2")

    assert page2["MetaInformation"] == {
        "@TotalResources": 5,
        "@TotalPages": 3,
        "@CurrentPage": 2,
    }
    assert [c["CustomerNumber"] for c in page2["Customers"]] == ["3", "4"]


def test_empty_list_is_200(api):
    status, body = api.get("invoices")
    assert status == 200
    assert body == {
        "MetaInformation": {"@TotalResources": 0, "@TotalPages": 0, "@CurrentPage": 1},
        "Invoices": [],
    }


def test_invalid_filter_and_two_search_params(api):
    bad_filter = api.get("customers", filter="deleted")
    two_searches = api.get("customers", name="a", email="b")
    too_many = api.get("customers", limit="501")
    assert bad_filter[1]["ErrorInformation"]["code"] == 2000587
    assert two_searches[1]["ErrorInformation"]["code"] == 2000588
    assert too_many[0] == 400


def test_article_number_characters_and_description(api):
    dotted = api.post("articles", {"Article": {"ArticleNumber": "A.1", "Description": "x"}})
    spaced = api.post("articles", {"Article": {"ArticleNumber": "A 1", "Description": "x"}})
    no_text = api.post("articles", {"Article": {"ArticleNumber": "A1"}})
    long_text = api.post("articles", {"Article": {"Description": "x" * 201}})
    assert dotted[1]["ErrorInformation"]["code"] == 2000166
    assert spaced[1]["ErrorInformation"]["code"] == 2000166
    assert no_text[0] == 400 and long_text[0] == 400


def test_article_defaults_and_sales_price_from_price_list(api, article):
    assert (article["Type"], article["StockGoods"], article["SalesPrice"]) == (
        "STOCK",
        False,
        None,
    )
    price = {"ArticleNumber": "MUG-1", "PriceList": "A", "FromQuantity": 0, "Price": 129}
    status, _ = api.post("prices", {"Price": price})
    _, fetched = api.get("articles/MUG-1")
    _, listed = api.get("prices/A/MUG-1")
    assert status == 201
    assert fetched["Article"]["SalesPrice"] == 129.0
    assert listed["Price"]["Price"] == 129.0


def test_sales_price_is_read_only(api):
    status, body = api.post("articles", {"Article": {"Description": "x", "SalesPrice": 10}})
    assert (status, body["ErrorInformation"]["code"]) == (400, 2001399)


def test_company_information_and_currencies(api):
    _, info = api.get("companyinformation")
    _, currencies = api.get("currencies")
    assert info["CompanyInformation"]["CompanyName"] == "Testbolaget AB"
    assert info["CompanyInformation"]["DatabaseNumber"] == 1234567
    assert {c["Code"] for c in currencies["Currencies"]} >= {"SEK", "EUR"}
