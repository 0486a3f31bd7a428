from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "programmes.actions"
    verbose_name = "Climate actions"
