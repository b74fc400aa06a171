from django.apps import AppConfig


class ShopifyAppConfig(AppConfig):
    name = "shopify_app"
    verbose_name = "Shopify"

    def ready(self) -> None:
        from integrations.registry import register_source
        from shopify_app.connector import ShopifyConnector

        register_source(ShopifyConnector())
