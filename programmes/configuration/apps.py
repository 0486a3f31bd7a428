from django.apps import AppConfig


class ConfigurationConfig(AppConfig):
    name = "programmes.configuration"
    label = "configuration"
