from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "programmes.directory"
    verbose_name = "Public partner directory"
