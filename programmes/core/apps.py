from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "programmes.core"
    label = "core"
