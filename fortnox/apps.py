from django.apps import AppConfig


class FortnoxConfig(AppConfig):
    name = "fortnox"
    verbose_name = "Fortnox"
