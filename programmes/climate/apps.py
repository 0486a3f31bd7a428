from django.apps import AppConfig


class ClimateConfig(AppConfig):
    name = "programmes.climate"
    verbose_name = "Climate accounts and certificates"
