from django.apps import AppConfig


class ShopifyAppConfig(AppConfig):
    name = "shopify_app"
    verbose_name = "Shopify"
