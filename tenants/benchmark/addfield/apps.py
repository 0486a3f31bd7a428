from django.apps import AppConfig


class BenchAddFieldConfig(AppConfig):
    name = "tenants.benchmark.addfield"
    label = "benchaddfield"
    default_auto_field = "django.db.models.BigAutoField"
