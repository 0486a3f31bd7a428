from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "programmes.dashboards"
    verbose_name = "Dashboards and figures"
