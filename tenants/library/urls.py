"""Mounted by saas/urls_public.py at "" (the platform host): every path here is full."""

from django.urls import path

from tenants.library import views

urlpatterns = [
    path("library/", views.moderation_list, name="console-library"),
    path("library/<uuid:uuid>/", views.moderation_detail, name="console-library-detail"),
]
