from django.apps import AppConfig


class SymbolsConfig(AppConfig):
    name = "programmes.symbols"
    verbose_name = "Partner symbols"
