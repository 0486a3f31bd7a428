from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "tenants.reporting"
    label = "reporting"
    verbose_name = "Platform reporting"
