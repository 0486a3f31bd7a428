from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "programmes.people"
    label = "people"

    def ready(self) -> None:
        from programmes.people import signals

        signals.connect()
