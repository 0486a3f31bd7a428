from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "programmes.people"
    label = "people"
