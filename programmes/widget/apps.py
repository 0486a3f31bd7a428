from django.apps import AppConfig


class WidgetConfig(AppConfig):
    name = "programmes.widget"
    verbose_name = "Embeddable widget"
