from django.apps import AppConfig


class HubspotAppConfig(AppConfig):
    name = "hubspot_app"
    verbose_name = "HubSpot"
