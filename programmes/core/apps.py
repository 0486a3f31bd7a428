from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "programmes.core"
    label = "core"

    def ready(self) -> None:
        from programmes.core import audit_signals

        audit_signals.connect()
