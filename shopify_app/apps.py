from django.apps import AppConfig


class ShopifyAppConfig(AppConfig):
    name = "shopify_app"
    verbose_name = "Shopify"

    def ready(self) -> None:
        from shopify_app.connector import ShopifyConnector
        from syncs.connectors import register_source

        register_source(ShopifyConnector())
