"""Finding the Fortnox article for each line, by the integration's policy."""

from __future__ import annotations

from fortnox import limits
from fortnox.client import FortnoxClient
from fortnox.documents import build_article, price_excluding_vat
from fortnox.limits import clean_article_number
from integrations.documents import Line, LineKind, SalesDocument
from integrations.errors import ConnectorError
from syncs.building import fitted, integration_accounts
from syncs.links import link_get, link_lock, link_save
from syncs.mapping import mappings_apply
from syncs.models import ExternalLink, Integration
from syncs.runs import RunLog

KIND = ExternalLink.Kind.ARTICLE
Match = Integration.ArticleMatch
Missing = Integration.MissingArticle


class ArticleMissing(ConnectorError):
    """No article matches and the policy says to halt for review."""

    def __init__(self, message: str, *, missing: tuple[str, ...] = ()) -> None:
        super().__init__(message, permanent=True, provider="syncs")
        #: what is missing, one "SKU 'X' (line 'Y')" per line, when halting for review
        self.missing = missing


def _halt(missing: list[str]) -> ArticleMissing:
    if len(missing) == 1:
        text = f"No Fortnox article matches {missing[0]}. Create or link the article"
    else:
        text = f"No Fortnox article matches {', '.join(missing)}. Create or link the articles"
    return ArticleMissing(f"{text} in Fortnox, then replay this sync.", missing=tuple(missing))


def article_key(integration: Integration, line: Line) -> str:
    """The link-table key of a line's product under the integration's match rule."""
    if integration.article_match == Match.SKU:
        return f"sku:{line.sku}" if line.sku else ""
    if integration.article_match == Match.NAME:
        return f"name:{line.description}"
    product = line.variant_id or line.product_id
    return f"product:{product}" if product else ""


def new_article_number(integration: Integration, line: Line) -> str:
    if integration.article_match == Match.SKU and line.sku:
        return clean_article_number(line.sku)
    return ""  # Fortnox numbers it


def articles_resolve(
    *, integration: Integration, doc: SalesDocument, client: FortnoxClient, log: RunLog
) -> dict[int, str]:
    """Article number per line index ("" for a row without an article)."""
    numbers: dict[int, str] = {}
    missing: list[str] = []  # every line a halt names, not only the first
    for index, line in enumerate(doc.lines):
        if line.kind == LineKind.SHIPPING:
            numbers[index] = integration.shipping_article
        elif line.kind == LineKind.PRODUCT:
            try:
                numbers[index] = _resolve_line(integration, doc, line, client, log)
            except ArticleMissing as error:
                if not error.missing:
                    raise
                missing.extend(m for m in error.missing if m not in missing)
        else:
            numbers[index] = ""  # gift cards, duties and tips have no article
    if missing:
        raise _halt(missing)
    return numbers


def _resolve_line(
    integration: Integration, doc: SalesDocument, line: Line, client: FortnoxClient, log: RunLog
) -> str:
    key = article_key(integration, line)
    if not key:
        return _when_missing(integration, doc, line, key, client, log)
    if number := link_get(integration, KIND, key):
        return number
    # One worker at a time per product: the next one finds the link the first one saved.
    with link_lock(integration, KIND, key):
        if number := link_get(integration, KIND, key):
            return number
        if _create_first(integration):
            # Fortnox refuses a second article with the number we would give, and the
            # refusal is resolved by a lookup then: no lookup for an article that is new.
            return _create(integration, doc, line, key, client, log)
        if found := _lookup(integration, line, client):
            number = found["ArticleNumber"]
            log.info("article", f"Article {number} found in Fortnox for {line.description!r}")
            return link_save(integration, KIND, key, number)
        return _when_missing(integration, doc, line, key, client, log)


def _create_first(integration: Integration) -> bool:
    """Articles numbered by SKU that are created when missing: creating is the lookup."""
    return integration.article_match == Match.SKU and integration.missing_article == Missing.CREATE


def _lookup(integration: Integration, line: Line, client: FortnoxClient) -> dict | None:
    if integration.article_match == Match.SKU:
        return client.find_article(article_number=clean_article_number(line.sku))
    if integration.article_match == Match.NAME:
        return client.find_article(description=line.description[:200])
    return None  # LINKS: only the table counts


def _when_missing(integration, doc, line, key, client, log) -> str:
    what = f"SKU {line.sku!r}" if line.sku else f"product {line.description!r}"
    policy = integration.missing_article
    if policy == Missing.PLACEHOLDER:
        if not integration.placeholder_article:
            raise ArticleMissing(
                f"No Fortnox article matches {what}, and no placeholder article is set in"
                " the integration's settings."
            )
        log.warning(
            "article",
            f"No Fortnox article matches {what}; placeholder article"
            f" {integration.placeholder_article} used",
        )
        return integration.placeholder_article
    if policy == Missing.CREATE:
        return _create(integration, doc, line, key, client, log)
    raise _halt([f"{what} (line {line.description!r})"])


def _create(integration, doc, line, key, client, log) -> str:
    notes: list[str] = []
    payload = article_payload(integration, doc, line, notes)
    for note in notes:
        log.warning("article", note)
    try:
        created = client.create_article(article=payload)
    except ConnectorError as error:
        found = _taken_by_this_product(integration, line, payload, error, client)
        if not found:
            raise
        number = found["ArticleNumber"]
        log.info("article", f"Article {number} already existed in Fortnox; linked")
        return link_save(integration, KIND, key, number) if key else number
    number = created["ArticleNumber"]
    # Linked before the price is set: a retry after a failed price must not make another.
    if key:
        number = link_save(integration, KIND, key, number)
    price = price_excluding_vat(line, doc.prices_include_vat)
    client.set_price(article_number=number, price=price)
    log.info("article", f"Article {number} created for {line.description!r} at {price}", payload)
    return number


def _taken_by_this_product(integration, line, payload, error, client) -> dict | None:
    """After Fortnox refused an article number we chose ("Artikelnummer ... används
    redan"): the article holding it, if it is this product. Fortnox documents no code for
    this refusal, so any 400 on a create with our own number is checked by looking the
    number up; a number held by another product stays a failure."""
    number = clean_article_number(payload.get("ArticleNumber") or "")
    if not number or not error.permanent or error.status != 400:
        return None
    found = client.find_article(article_number=number)
    if found and integration.article_match == Match.NAME:
        wanted = str(payload.get("Description") or line.description).strip().lower()
        return found if str(found.get("Description", "")).strip().lower() == wanted else None
    return found


def article_payload(
    integration: Integration, doc: SalesDocument, line: Line, warnings: list[str]
) -> dict:
    body = build_article(
        line,
        article_number=new_article_number(integration, line),
        accounts=integration_accounts(integration),
        unit=integration.article_unit,
    )
    body = mappings_apply(
        integration=integration, target="article", payload=body, doc=doc, warnings=warnings
    )
    return fitted(limits.fit_article(body), warnings)
