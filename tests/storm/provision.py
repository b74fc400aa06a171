"""Connect the storm's shops and Fortnox tenants, as the onboarding flow would.

Run by the storm driver in the storm's own environment (its database, its web process):
``python -m tests.storm.provision`` reads ``{"pairs": [{"shop", "shopify_tokens",
"fortnox_tokens"}, ...]}`` on stdin, and prints ``{"integrations": [ids], "problems":
[...]}``. Each shop is
installed with the tokens the Shopify sandbox issued, its Fortnox tenant stored through the
service's own ``connection_store`` (which asks the Fortnox sandbox which company it is) and
linked; a product with no Fortnox article creates one.
"""

from __future__ import annotations

import json
import os
import sys


def provision(pairs: list[dict]) -> tuple[list[int], list[str]]:
    from django.db import NotSupportedError

    from fortnox.oauth import FortnoxOAuth
    from fortnox.services import connection_store
    from shopify_app.oauth import ShopifyOAuth
    from syncs.accounts import integration_install, integration_link_fortnox
    from syncs.models import Integration

    ids, problems = [], set()
    for pair in pairs:
        integration = integration_install(
            provider="shopify",
            account_id=pair["shop"],
            display_name=pair["shop"],
            tokens=ShopifyOAuth().parse_tokens(pair["shopify_tokens"]),
        )
        fortnox = connection_store(tokens=FortnoxOAuth().parse_tokens(pair["fortnox_tokens"]))
        try:
            integration_link_fortnox(integration=integration, fortnox=fortnox)
        except NotSupportedError:
            # On PostgreSQL the service's own link fails: it row-locks the integration
            # with select_related("fortnox"), a nullable join PostgreSQL will not lock
            # ("FOR UPDATE cannot be applied to the nullable side of an outer join").
            # Link it the way that service would, and say so in the report.
            Integration.objects.filter(pk=integration.pk).update(fortnox=fortnox)
            integration.refresh_from_db()
            problems.add("syncs.accounts.integration_link_fortnox fails on PostgreSQL")
        integration.missing_article = Integration.MissingArticle.CREATE
        integration.save(update_fields=["missing_article", "updated_at"])
        ids.append(integration.pk)
    return ids, sorted(problems)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    pairs = json.load(sys.stdin)["pairs"]
    ids, problems = provision(pairs)
    json.dump({"integrations": ids, "problems": problems}, sys.stdout)


if __name__ == "__main__":
    main()
