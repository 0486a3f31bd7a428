"""Mounted by saas/urls_tenant.py at "" before manage/: every path here is full."""

from django.urls import path

from tenants.support import views

urlpatterns = [
    path("support/enter/<str:token>/", views.support_enter_view, name="support-enter"),
    path("manage/support-access/", views.support_access_manage, name="support-access-manage"),
    path(
        "manage/support-access/<int:pk>/end/",
        views.support_access_end,
        name="support-access-end",
    ),
]
