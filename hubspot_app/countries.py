"""HubSpot's ``country`` is free text ("Sweden", "Sverige", "Norge", "Deutschland"; hubspot.md
§0a): names in English, Swedish and the country's own language, and ISO codes, to ISO
3166-1 alpha-2. Matching ignores case, accents, dots and spaces around the text."""

from __future__ import annotations

import unicodedata

# ISO code -> names people type (English, Swedish, own language, common short forms).
NAMES: dict[str, tuple[str, ...]] = {
    "SE": ("Sweden", "Sverige", "Swe"),
    "NO": ("Norway", "Norge", "Noreg"),
    "DK": ("Denmark", "Danmark"),
    "FI": ("Finland", "Suomi"),
    "IS": ("Iceland", "Island", "Ísland"),
    "DE": ("Germany", "Tyskland", "Deutschland", "BRD"),
    "AT": ("Austria", "Österrike", "Österreich"),
    "CH": ("Switzerland", "Schweiz", "Suisse", "Svizzera"),
    "LI": ("Liechtenstein",),
    "NL": ("Netherlands", "The Netherlands", "Holland", "Nederländerna", "Nederland"),
    "BE": ("Belgium", "Belgien", "België", "Belgique"),
    "LU": ("Luxembourg", "Luxemburg"),
    "FR": ("France", "Frankrike"),
    "ES": ("Spain", "Spanien", "España"),
    "PT": ("Portugal",),
    "IT": ("Italy", "Italien", "Italia"),
    "MT": ("Malta",),
    "GR": ("Greece", "Grekland", "Hellas", "Ελλάδα"),
    "CY": ("Cyprus", "Cypern", "Κύπρος"),
    "IE": ("Ireland", "Irland", "Éire"),
    "GB": ("United Kingdom", "UK", "Great Britain", "Britain", "England", "Scotland",
           "Wales", "Northern Ireland", "Storbritannien", "Förenade kungariket"),
    "PL": ("Poland", "Polen", "Polska"),
    "CZ": ("Czech Republic", "Czechia", "Tjeckien", "Česko", "Česká republika"),
    "SK": ("Slovakia", "Slovakien", "Slovensko"),
    "HU": ("Hungary", "Ungern", "Magyarország"),
    "SI": ("Slovenia", "Slovenien", "Slovenija"),
    "HR": ("Croatia", "Kroatien", "Hrvatska"),
    "RO": ("Romania", "Rumänien", "România"),
    "BG": ("Bulgaria", "Bulgarien", "България"),
    "EE": ("Estonia", "Estland", "Eesti"),
    "LV": ("Latvia", "Lettland", "Latvija"),
    "LT": ("Lithuania", "Litauen", "Lietuva"),
    "US": ("United States", "United States of America", "USA", "U.S.A", "US", "America",
           "USA (United States)", "Förenta staterna"),
    "CA": ("Canada", "Kanada"),
    "MX": ("Mexico", "Mexiko"),
    "BR": ("Brazil", "Brasilien", "Brasil"),
    "AU": ("Australia", "Australien"),
    "NZ": ("New Zealand", "Nya Zeeland"),
    "JP": ("Japan",),
    "CN": ("China", "Kina"),
    "IN": ("India", "Indien"),
    "SG": ("Singapore", "Singapore"),
    "KR": ("South Korea", "Sydkorea", "Korea"),
    "AE": ("United Arab Emirates", "UAE", "Förenade Arabemiraten"),
    "IL": ("Israel",),
    "TR": ("Turkey", "Türkiye", "Turkiet"),
    "UA": ("Ukraine", "Ukraina"),
    "RS": ("Serbia", "Serbien"),
    "ZA": ("South Africa", "Sydafrika"),
    "FO": ("Faroe Islands", "Färöarna", "Føroyar"),
    "GL": ("Greenland", "Grönland", "Kalaallit Nunaat"),
    "AX": ("Åland", "Aland", "Ahvenanmaa"),
}  # fmt: skip


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace(".", "").split())


INDEX: dict[str, str] = {
    _key(name): code for code, names in NAMES.items() for name in (code, *names)
}


def country_code(text: str | None) -> str | None:
    """The ISO code of a country as typed: "" for no text, None when not recognised."""
    if text is None or not text.strip():
        return ""
    return INDEX.get(_key(text))
