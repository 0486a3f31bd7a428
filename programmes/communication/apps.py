from django.apps import AppConfig


class CommunicationConfig(AppConfig):
    name = "programmes.communication"
    verbose_name = "Announcements and newsletters"
