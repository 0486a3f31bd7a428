from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "programmes.events"
    verbose_name = "Events and the annual wheel"
