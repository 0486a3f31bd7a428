from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "programmes.invoicing"
    verbose_name = "Partner fees and invoicing"
