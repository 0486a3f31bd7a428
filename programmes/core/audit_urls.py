"""Included by saas/urls_tenant.py at manage/audit/ (before manage/, whose manage/<slug>/
would take it)."""

from django.urls import path

from programmes.core import audit_views

audit_urlpatterns = [
    path("", audit_views.audit_log, name="audit-log"),
    path("export.csv", audit_views.audit_log_csv, name="audit-log-csv"),
]
