from django.apps import AppConfig


class HubspotAppConfig(AppConfig):
    name = "hubspot_app"
    verbose_name = "HubSpot"

    def ready(self) -> None:
        from hubspot_app.connector import HubSpotConnector
        from syncs.connectors import register_source

        register_source(HubSpotConnector())
