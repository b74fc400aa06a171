"""The chart of accounts a fresh sandbox tenant has: a BAS 2024 subset for a small web shop.

Real Fortnox companies start from the BAS chart and refuse accounts that are not in theirs
(reference, sections 4 and 9.6). Keys are account numbers as strings, so the chart survives
the JSON round trip of the sandbox's state file unchanged.
"""

from __future__ import annotations

DEFAULT_CHART: dict[str, str] = {
    # Assets
    "1460": "Lager av handelsvaror",
    "1510": "Kundfordringar",
    "1580": "Fordringar för kontokort och kuponger",
    "1630": "Avräkning för skatter och avgifter (skattekonto)",
    "1680": "Andra kortfristiga fordringar",
    "1790": "Övriga förutbetalda kostnader och upplupna intäkter",
    "1910": "Kassa",
    "1920": "PlusGiro",
    "1930": "Företagskonto/checkkonto/affärskonto",
    "1940": "Övriga bankkonton",
    # Equity and liabilities
    "2081": "Aktiekapital",
    "2091": "Balanserad vinst eller förlust",
    "2099": "Årets resultat",
    "2420": "Förskott från kunder",
    "2421": "Ej inlösta presentkort",
    "2440": "Leverantörsskulder",
    "2611": "Utgående moms på försäljning inom Sverige, 25 %",
    "2614": "Utgående moms omvänd skattskyldighet, 25 %",
    "2621": "Utgående moms på försäljning inom Sverige, 12 %",
    "2631": "Utgående moms på försäljning inom Sverige, 6 %",
    "2641": "Debiterad ingående moms",
    "2645": "Beräknad ingående moms på förvärv från utlandet",
    "2650": "Redovisningskonto för moms",
    "2710": "Personalskatt",
    "2731": "Avräkning lagstadgade sociala avgifter",
    "2890": "Övriga kortfristiga skulder",
    "2899": "Övriga kortfristiga skulder",
    # Revenue
    "3001": "Försäljning inom Sverige, 25 % moms",
    "3002": "Försäljning inom Sverige, 12 % moms",
    "3003": "Försäljning inom Sverige, 6 % moms",
    "3004": "Försäljning inom Sverige, momsfri",
    "3011": "Försäljning tjänster inom Sverige, 25 % moms",
    "3012": "Försäljning tjänster inom Sverige, 12 % moms",
    "3105": "Försäljning varor till land utanför EU",
    "3106": "Försäljning varor till annat EU-land, momspliktig",
    "3108": "Försäljning varor till annat EU-land, momsfri",
    "3231": "Försäljning inom byggsektorn, omvänd skattskyldighet moms",
    "3305": "Försäljning tjänster till land utanför EU",
    "3308": "Försäljning tjänster till annat EU-land",
    "3520": "Fakturerade frakter",
    "3521": "Fakturerade frakter, EU-land",
    "3522": "Fakturerade frakter, export",
    "3530": "Fakturerade tull- och speditionskostnader m.m.",
    "3540": "Faktureringsavgifter",
    "3590": "Övriga fakturerade kostnader",
    "3730": "Lämnade rabatter",
    "3740": "Öres- och kronutjämning",
    "3960": "Valutakursvinster på fordringar och skulder av rörelsekaraktär",
    "3990": "Övriga ersättningar och intäkter",
    "3993": "Erhållna donationer och gåvor",
    # Costs
    "4000": "Inköp av varor från Sverige",
    "4010": "Inköp material och varor",
    "4515": "Inköp av varor från annat EU-land, 25 %",
    "5010": "Lokalhyra",
    "5410": "Förbrukningsinventarier",
    "6060": "Kreditförsäljningskostnader",
    "6570": "Bankkostnader",
    "7010": "Löner till kollektivanställda",
    "7510": "Arbetsgivaravgifter",
    "7960": "Valutakursförluster på fordringar och skulder av rörelsekaraktär",
    "8310": "Ränteintäkter från omsättningstillgångar",
    "8410": "Räntekostnader för långfristiga skulder",
    "8999": "Årets resultat",
}
