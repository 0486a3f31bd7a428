from django.apps import AppConfig


class WidgetConfig(AppConfig):
    name = "programmes.widget"
    verbose_name = "Embeddable widget"

    def ready(self) -> None:
        from corsheaders.signals import check_request_enabled

        from programmes.widget.cors import allow_listed_origins

        # Only this answer opens CORS (CORS_ALLOWED_ORIGINS is empty): see cors.py.
        check_request_enabled.connect(allow_listed_origins, dispatch_uid="widget-cors")
