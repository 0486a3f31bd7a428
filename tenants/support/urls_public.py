"""Mounted by saas/urls_public.py at "" (the platform host): every path here is full."""

from django.urls import path

from tenants.support import views

urlpatterns = [
    path("tenants/<slug:slug>/support/", views.console_support, name="console-tenant-support"),
    path(
        "tenants/<slug:slug>/support/<int:pk>/enter/",
        views.console_support_enter,
        name="console-tenant-support-enter",
    ),
    path(
        "tenants/<slug:slug>/support/<int:pk>/end/",
        views.console_support_end,
        name="console-tenant-support-end",
    ),
]
