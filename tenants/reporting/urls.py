"""Mounted by saas/urls_public.py at "" (the platform host): every path here is full."""

from django.urls import path

from tenants.reporting import views

urlpatterns = [
    path("reports/", views.platform_reports, name="console-reports"),
    path("reports/tenants.csv", views.platform_reports_csv, name="console-reports-csv"),
]
