from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "tenants.library"
    verbose_name = "Shared action library"
