from django.apps import AppConfig


class SyncsConfig(AppConfig):
    name = "syncs"
    verbose_name = "Syncs"

    def ready(self) -> None:
        from fortnox.readiness import register_check
        from syncs.oss import oss_readiness

        register_check(oss_readiness)
