from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "programmes.partners"
    label = "partners"
