from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "programmes.awards"
    verbose_name = "Awards"
