from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "tenants.support"
    label = "support"
    verbose_name = "Support access"
